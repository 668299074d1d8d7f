// Adds up the tiers' Jest JSON reports (and Vitest's, for the desktop SPA, in the same format) into one closing line ("perch: N passed, N failed").
// A tier that ran no test counts as a failure: a suite that quietly skips is a failing suite.
// Failing tests are named again here, with the first line of their message, because CI keeps only the log's tail.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let ok = true;
const failures = [];
for (const tier of ['unit', 'desktop', 'integration', 'e2e']) {
  const file = path.join(dir, `${tier}.json`);
  if (!fs.existsSync(file)) {
    console.log(`${tier}: no report (the tier did not run)`);
    ok = false;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`${tier}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped (${report.numTotalTestSuites} suites)`);
  if (report.numTotalTests === 0 || skipped > 0) ok = false;
  for (const suite of report.testResults ?? []) {
    const file = path.relative(process.cwd(), suite.name ?? suite.testFilePath ?? '');
    const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      const first = (test.failureMessages ?? []).join('\n').split('\n').find((line) => line.trim() !== '') ?? '';
      failures.push(`${tier}: ${file} › ${test.fullName ?? test.title}\n    ${first.trim().slice(0, 300)}`);
    }
    // A suite that failed to run (a compile or setup error) has no failed test to name.
    if (suite.status === 'failed' && failedTests.length === 0) {
      failures.push(`${tier}: ${file} (suite did not run)\n    ${String(suite.message ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? ''}`);
    }
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}
if (failures.length > 0) console.log(`failed:\n${failures.join('\n')}`);
console.log(`perch: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
