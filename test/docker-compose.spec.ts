import { loadConfig } from '@newsledger/config';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs here: these checks keep the compose file and Dockerfile in step with the code.
const root = path.join(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string | number>; build?: { dockerfile: string; context: string }; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] } }>;
};
const APPS = ['projector', 'ingest-api', 'query-api'];

describe('docker/docker-compose.yml', () => {
  it('runs Kafka, PostgreSQL, the Kafka access set-up and every app', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['ingest-api', 'kafka', 'kafka-access', 'postgres', 'projector', 'query-api']);
  });

  const brokerSettings = () => {
    const script = compose.services.kafka.command!.join('\n');
    return Object.fromEntries([...script.matchAll(/^([a-z][\w.-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  };

  it('runs the same Kafka version as the local launcher, in KRaft mode', () => {
    const pinned = /<kafka\.version>\s*([^<\s]+)\s*</.exec(readFileSync(path.join(root, 'scripts', 'kafka', 'pom.xml'), 'utf8'))![1];
    expect(compose.services.kafka.image).toBe(`apache/kafka:${pinned}`);
    expect(brokerSettings()).toMatchObject({ 'process.roles': 'broker,controller', 'auto.create.topics.enable': 'false' });
  });

  it('runs the broker with SASL logins only and ACLs on every request, its users made when it is formatted', () => {
    const settings = brokerSettings();
    expect(settings).toMatchObject({
      listeners: 'SASL_PLAINTEXT://:9092,CONTROLLER://:9093',
      'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found': 'false',
      'super.users': 'User:newsledger-admin;User:controller',
    });
    const script = compose.services.kafka.command!.join('\n');
    const { principals } = loadConfig({}).kafka;
    for (const user of ['newsledger-admin', principals.ingest, principals.projector, principals.query]) expect(script).toContain(`--add-scram "SCRAM-SHA-512=[name=${user},`);
    expect(compose.services.kafka.healthcheck!.test.join(' ')).toContain('--command-config /tmp/admin.properties');
    expect(compose.services['kafka-access']).toMatchObject({
      command: ['node', 'dist/apps/cli/src/main.js', 'kafka-access'],
      environment: { KAFKA_SASL_USERNAME: 'newsledger-admin' },
      depends_on: { kafka: { condition: 'service_healthy' } },
    });
  });

  it.each(APPS)('starts %s from its compiled entry point, after healthy dependencies, with a valid configuration', (app) => {
    const svc = compose.services[app];
    expect(svc.build?.dockerfile).toBe('docker/Dockerfile');
    // the context is the repository root, seen from docker/
    expect(path.resolve(root, 'docker', svc.build!.context)).toBe(root);
    const entry = svc.command!.find((c) => c.startsWith('dist/'))!;
    expect(entry).toBe(`dist/apps/${app}/src/main.js`);
    expect(existsSync(path.join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
    expect(svc.depends_on).toEqual({
      kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' }, 'kafka-access': { condition: 'service_completed_successfully' },
    });
    const env = Object.fromEntries(Object.entries(svc.environment!).map(([k, v]) => [k, String(v).replace(/\$\{[^}]+\}/, 'an-admin-key-of-enough-length')]));
    const config = loadConfig(env);
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
    // Each app logs in as its own user, the one kafka-access grants that app's rights.
    const own = { projector: config.kafka.principals.projector, 'ingest-api': config.kafka.principals.ingest, 'query-api': config.kafka.principals.query }[app];
    expect(config.kafka.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: own });
    expect(new URL(config.database.url).hostname).toBe('postgres');
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'docker', 'Dockerfile'), 'utf8');
  it('builds in one stage and runs from another, without dev dependencies', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist/);
  });
});
