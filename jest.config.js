// Unit tier: *.spec.ts beside the code. No network, no services.
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  // tools/dev: checks on what the repository ships (compose file, dev script, README); bench: the benchmarks' own tools.
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools/dev', '<rootDir>/bench'],
  testMatch: ['**/*.spec.ts'],
  // The desktop SPA's specs run in Vitest (npm run test:desktop), with the browser build's module rules.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/agent-desktop/src/app/'],
};
