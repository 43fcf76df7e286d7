/** Dependency rules of the monorepo (style.md §3), checked by `npm test`. */

/** The test tiers by suffix (style.md): pure, int, e2e, and the slow fault suite. */
const TEST_FILE = '[.](?:spec|int-spec|e2e-spec|fault-spec)[.]ts$';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is plain TypeScript: no framework, Kafka or SQL, no other project code (its specs may use test libraries); zod states the rules, ajv compiles their JSON Schema',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: ['^libs/domain/', '^node_modules/zod/', '^node_modules/ajv/'], dependencyTypesNot: ['core', 'type-only'] },
    },
    {
      name: 'client-stands-alone',
      comment: 'libs/client is for ingestors and subscribers: Node built-ins and (types only) the domain, no framework',
      severity: 'error',
      from: { path: '^libs/client/' },
      to: { pathNot: '^libs/client/', dependencyTypesNot: ['core', 'type-only'] },
    },
    {
      name: 'kafkajs-behind-event-log',
      comment: 'kafkajs is in maintenance mode: only libs/event-log uses it (the rest holds its KafkaClient); the tests drive the broker with it, and libs/client names its types for a desk that brings its own',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/event-log/', TEST_FILE, '[.]fixture[.]ts$'] },
      to: { path: '^node_modules/kafkajs/', dependencyTypesNot: ['type-only'] },
    },
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'apps-never-import-each-other',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-only-through-their-index',
      comment: 'outside a library, import it as @newsledger/<lib> (its src/index.ts)',
      severity: 'error',
      from: { pathNot: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    // Hygiene rules of dependency-cruiser's recommended preset, fitted to this tree.
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code, unless it is an entry point: a main, a test, a jest setup, the harness preload, a bench',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '(^|/)[.][^/]+[.](?:js|cjs|mjs|ts|cts|mts|json)$',
          '[.]d[.]ts$',
          '(^|/)tsconfig[.]json$',
          '^apps/[^/]+/src/main[.]ts$',
          TEST_FILE,
          '^test/support/(global-setup|slow-tests[.]setup)[.]ts$',
          '^test/faults/support/faults[.]setup[.]ts$',
          '^test/support/[^/]+[.]preload[.]js$',
          '^bench/',
        ],
      },
      to: {},
    },
    {
      name: 'not-to-dev-dep',
      comment: 'production code (apps and libs, not their tests or spec fixtures) runs with the dependencies alone: a devDependency is not installed there',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: [TEST_FILE, '[.]fixture[.]ts$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: ['node_modules/@types/'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing fails at run time; the timeline page\'s sse.js and wording.js are made by the query API from libs/client\'s code, not files',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^\\./(sse|wording)\\.js$' },
    },
    {
      name: 'not-to-spec',
      comment: 'a test is an entry point, never a module: what two tests share lives in a fixture or test/support',
      severity: 'error',
      from: {},
      to: { path: TEST_FILE },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
