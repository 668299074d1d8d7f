// Unit tier: *.spec.ts beside the code. No network, no services.
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  // tools/dev: checks on what the repository ships (compose file, dev script, README).
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools/dev'],
  testMatch: ['**/*.spec.ts'],
};
