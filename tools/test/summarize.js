// Adds up the tiers' Jest JSON reports (and Vitest's, for the desktop SPA, in the same format) into one closing line ("perch: N passed, N failed").
// A tier that ran no test counts as a failure: a suite that quietly skips is a failing suite.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let ok = true;
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
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}
console.log(`perch: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
