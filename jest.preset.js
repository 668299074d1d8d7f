// Shared Jest settings: swc keeps the suite fast and still emits decorator metadata for NestJS.
const { pathsToModuleNameMapper } = require('./tools/jest/paths-to-module-name-mapper');
const base = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(base.compilerOptions.paths, __dirname),
};
