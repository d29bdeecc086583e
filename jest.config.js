// One jest run covers every workspace; each project is a suite size (see STYLE.md §7).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const base = {
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: {
    '^@boomerang/engine$': '<rootDir>/engine/src/index.ts',
    '^@boomerang/engine/(.*)$': '<rootDir>/engine/src/$1',
    '^@boomerang/api/(.*)$': '<rootDir>/api/src/$1',
    '^@boomerang/migrations$': '<rootDir>/migrations/src/index.ts',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};
module.exports = {
  // two workers on a 2-core machine (jest's default is cores − 1 = one): most suites wait on PostgreSQL, Chromium or
  // child processes, so two overlap instead of queueing; tests assert behaviour, never wall-clock time
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'engine', testMatch: ['<rootDir>/engine/src/**/*.spec.ts'] },
    { ...base, displayName: 'api', testMatch: ['<rootDir>/api/src/**/*.spec.ts'] },
    // the editor's logic as plain functions (no DOM): graph ⇄ canvas state, connection rules, summaries
    { ...base, displayName: 'editor', testMatch: ['<rootDir>/editor/src/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.spec.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/support/jest-setup.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.spec.ts'],
      globalSetup: '<rootDir>/tests/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/support/jest-setup.ts'],
    },
    // fault injection: its own embedded PostgreSQL (restarted under load), engine replicas as OS processes
    { ...base, displayName: 'faults', testMatch: ['<rootDir>/tests/faults/**/*.spec.ts'] },
  ],
};
