// The Citus specs: run by `npm run test:citus` (scripts/citus/run.ts) against the cluster it starts, never by `npm test`.
const root = require('../../jest.config.js');
const { transform, moduleNameMapper, testEnvironment } = root.projects[0];
module.exports = {
  rootDir: '../..',
  displayName: 'citus',
  transform,
  moduleNameMapper,
  testEnvironment,
  testMatch: ['<rootDir>/tests/citus/**/*.spec.ts'],
  testTimeout: 120_000,
};
