/** Dependency rules of the monorepo (style.md §3), checked by `npm test`. */
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
