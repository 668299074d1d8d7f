import nx from '@nx/eslint-plugin';
import checkFile from 'eslint-plugin-check-file';

// Every written rule in docs/CONVENTIONS.md that a linter can check is checked here.

// The role suffixes of docs/CONVENTIONS.md: `<kebab-name>.<role>.ts`. Keep the two lists in step.
const FILE_ROLES = [
  // Nest shells
  'module', 'controller', 'service', 'consumer', 'guard', 'interceptor', 'filter', 'pipe', 'decorator', 'dto',
  // domain, ports and their pieces
  'domain', 'port', 'adapter', 'types', 'errors', 'constants', 'util', 'config', 'script', 'payload', 'routes',
  // a numbered schema change (libs/<lib>/src/lib/migrations/NNNN-<name>.migration.ts, run by @perch/sql's migrator)
  'migration',
  // tests, benchmarks, command lines
  'contract', 'fixtures', 'bench', 'cli',
  // the desktop SPA (apps/agent-desktop/src/app, React, `.tsx` where it renders): components, pages, hooks
  'component', 'page', 'hook',
];
const TEST_ROLES = ['spec', 'integration-spec', 'e2e-spec'];
const NO_DEEP_IMPORTS = {
  group: ['@perch/*/*', '!@perch/*/testing', '!@perch/*/embedded'],
  message: 'Import a library from its entry point (@perch/<lib>, or its @perch/<lib>/testing or /embedded), never a deep path.',
};
// A library's second and third entry points keep what production must not load: its test harnesses, and the
// embedded app's stand-ins (PGlite, the local mail catcher). The distributed apps load neither.
const NO_TEST_ENTRIES = { group: ['@perch/*/testing'], message: 'Test harnesses (@perch/<lib>/testing) are for tests only.' };
const NO_EMBEDDED_ENTRIES = {
  group: ['@perch/*/embedded'],
  message: 'Embedded-only adapters (@perch/<lib>/embedded) are for the embedded app (apps/perch) and the command lines that read its data folder.',
};
const EMBEDDED_USERS = ['apps/perch/**/*.ts', 'apps/*/src/cli/**/*.ts'];
// The gateway may read who holds an interaction from the router's store (docs/adr/0013) and, for supervisors, its live
// state and the per-queue counters of its events (docs/adr/0015); nothing else of it.
const GATEWAY_ROUTER_READS = [
  {
    name: '@perch/routing',
    allowImportNames: [
      'Assignment',
      'AssignmentReader',
      'redisAssignmentReader',
      // Presence (docs/adr/0016): an agent's state and pending offers, read-only.
      'AgentStateReader',
      'AgentStateView',
      'redisAgentStateReader',
      // Supervisor data (docs/adr/0015): read-only snapshots, and the counters' port, adapter and rules.
      'AGENT_STATES',
      'AgentSnapshot',
      'AgentSnapshotPage',
      'compareQueues',
      'CounterFact',
      'CounterFactOutcome',
      'counterFactOutcomeOf',
      'DEFAULT_SERVICE_LEVEL_MS',
      'LiveQueue',
      'LiveQueues',
      'QueueCounterRules',
      'QueueCounterStore',
      'QueueCounts',
      'QueueDayCounts',
      'queueKeyOf',
      'QueueRef',
      'RECORD_COUNTER_FACT_SCRIPT',
      'RedisQueueCounterStore',
      'RoutingSnapshotReader',
      'redisRoutingSnapshotReader',
      'utcDayOf',
      'zeroCounts',
    ],
    message: 'The gateway reads the router only through its read-only ports: AssignmentReader (docs/adr/0013) and supervisor data (docs/adr/0015).',
  },
];
const KEBAB = '+([a-z0-9])*(-+([a-z0-9]))';
const moduleBoundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  banTransitiveDependencies: false,
  // Test-only: messaging's specs use @perch/testing, whose EventTap taps the bus through @perch/messaging.
  ignoredCircularDependencies: [['messaging', 'testing']],
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
    // The X simulator (lib and app) stands in for X. Production code never imports it: no scope below lists it
    // except the embedded app's (a demo on the simulator); e2e and bench carry no scope; tests get it below.
    { sourceTag: 'scope:x-simulator', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:x-simulator'] },
    { sourceTag: 'scope:ingestor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:ingestor'] },
    { sourceTag: 'scope:classifier', onlyDependOnLibsWithTags: ['scope:shared', 'scope:classifier'] },
    { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:shared', 'scope:router'] },
    // The gateway's domains: who signs in, what acts on X, the agent's view of a conversation. Apart from each other.
    { sourceTag: 'scope:agents', onlyDependOnLibsWithTags: ['scope:shared', 'scope:agents'] },
    { sourceTag: 'scope:outbound', onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:outbound'] },
    { sourceTag: 'scope:interactions', onlyDependOnLibsWithTags: ['scope:shared', 'scope:interactions'] },
    // Contacts and the other channels to reach them (email, call requests): apart from the rest, like them.
    { sourceTag: 'scope:contacts', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contacts'] },
    // The agent-facing edge (REST, WebSocket) wires them.
    {
      sourceTag: 'scope:gateway',
      // scope:router only for the read-only AssignmentReader (who holds an interaction; docs/adr/0013), narrowed below.
      onlyDependOnLibsWithTags: ['scope:shared', 'scope:x', 'scope:agents', 'scope:outbound', 'scope:interactions', 'scope:contacts', 'scope:router', 'scope:gateway'],
    },
    { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['scope:*'] },
  ],
};

// Test code (specs, and contract suites under testing/) may use the shared test helpers of @perch/testing
// (waitFor, ...) and the X simulator; the production code of libraries and apps may not.
const TEST_FILES = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts'];
const testBoundaries = {
  ...moduleBoundaries,
  depConstraints: moduleBoundaries.depConstraints.map((c) =>
    c.sourceTag === 'type:lib' || c.sourceTag === 'type:app'
      ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
      : c.sourceTag.startsWith('scope:')
        ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:x-simulator'] }
        : c,
  ),
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/tmp', 'tools/kafka/lib', 'tools/kafka/data', '.nx'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS] }],
      'import/no-default-export': 'off',
    },
  },
  {
    // Named exports only in our code (Nest and Jest config files are the exceptions).
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', testBoundaries] },
  },
  {
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    ignores: [...TEST_FILES, ...EMBEDDED_USERS],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS, NO_TEST_ENTRIES, NO_EMBEDDED_ENTRIES] }] },
  },
  {
    files: EMBEDDED_USERS,
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS, NO_TEST_ENTRIES] }] },
  },
  {
    // The gateway may read who holds an interaction from the router's store (docs/adr/0013) and, for supervisors, its live
    // state and the per-queue counters of its events (docs/adr/0015); nothing else of it.
    files: ['libs/gateway/**/*.ts', 'apps/gateway/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [NO_DEEP_IMPORTS, NO_TEST_ENTRIES, NO_EMBEDDED_ENTRIES],
          paths: GATEWAY_ROUTER_READS,
        },
      ],
    },
  },
  {
    // The gateway's command lines read the embedded app's data folder too (PGlite), under the same router rule.
    files: ['apps/gateway/src/cli/**/*.ts'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS, NO_TEST_ENTRIES], paths: GATEWAY_ROUTER_READS }] },
  },
  {
    // docs/CONVENTIONS.md: kebab-case `<name>.<role>.ts` with a role from its list; a spec names a module or a behaviour.
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    // An entry point, an app's bootstrap and each event folder's barrel keep their plain names.
    ignores: ['**/src/index.ts', 'libs/*/src/testing.ts', 'libs/*/src/embedded.ts', '**/src/main.ts', 'apps/agent-desktop/src/app/main.tsx', 'libs/contracts/src/lib/*/index.ts'],
    plugins: { 'check-file': checkFile },
    rules: {
      'check-file/filename-naming-convention': [
        'error',
        {
          '**/*.ts': `${KEBAB}.@(${[...FILE_ROLES, ...TEST_ROLES].join('|')})?(.@(${TEST_ROLES.join('|')}))`,
          '**/*.tsx': `${KEBAB}.@(${[...FILE_ROLES, ...TEST_ROLES].join('|')})?(.@(${TEST_ROLES.join('|')}))`,
        },
        { errorMessage: 'The file "{{ target }}" should be kebab-case `<name>.<role>.ts` with a role listed in docs/CONVENTIONS.md' },
      ],
      'check-file/folder-naming-convention': ['error', { '**/': 'KEBAB_CASE' }],
    },
  },
];
