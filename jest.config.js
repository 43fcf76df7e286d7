// Three tiers by file suffix: .spec (pure), .int-spec (real Kafka/PostgreSQL), .e2e-spec (whole chain).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
const moduleNameMapper = {
  '^@newsledger/testing$': '<rootDir>/test/support',
  '^@newsledger/(.*)$': '<rootDir>/libs/$1/src',
};
// content-disposition (under @fastify/static, which serves Swagger UI at /docs) ships only ES
// modules: Node >= 20.19 requires them as they are, jest needs them compiled to CommonJS.
const esmOnly = ['content-disposition'];
const base = {
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.setup.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.setup.ts'] },
  ],
};
