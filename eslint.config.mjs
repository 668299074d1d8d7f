import nx from '@nx/eslint-plugin';

// Every written rule in docs/CONVENTIONS.md that a linter can check is checked here.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/tmp', 'tools/kafka/lib', 'tools/kafka/data', '.nx', 'apps/agent-desktop/src/vendor'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            // Apps are deployables: they compose libraries and never import each other.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            // The contracts are the shared language: they import nothing of ours.
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
            // Domains stay apart: each talks to the others only through events.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:x', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x'] },
            { sourceTag: 'scope:x-simulator', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x'] },
            { sourceTag: 'scope:ingestor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:ingestor'] },
            { sourceTag: 'scope:classifier', onlyDependOnLibsWithTags: ['scope:shared', 'scope:classifier'] },
            { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:shared', 'scope:router'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:gateway'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@perch/*/*'], message: 'Import a library from its entry point (@perch/<lib>), never a deep path.' }] },
      ],
      'import/no-default-export': 'off',
    },
  },
  {
    // Named exports only in our code (Nest and Jest config files are the exceptions).
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
];
