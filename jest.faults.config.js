// The slow fault suite (`npm run test:faults`, see scripts/test-faults.js): *.fault-spec.ts under
// test/faults, against a broker and a database of its own. `npm test` never runs it.
const { projects } = require('./jest.config');

const { transform, moduleNameMapper, testEnvironment, rootDir } = projects[0];
module.exports = {
  projects: [
    {
      transform, moduleNameMapper, testEnvironment, rootDir,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/faults/support/faults.setup.ts'],
    },
  ],
};
