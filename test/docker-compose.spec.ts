import { loadConfig } from '@newsledger/config';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs here: these checks keep the compose file and Dockerfile in step with the code.
const root = path.join(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string | number>; build?: { dockerfile: string; context: string }; depends_on?: Record<string, { condition: string }> }>;
};
const APPS = ['projector', 'ingest-api', 'query-api'];

describe('docker/docker-compose.yml', () => {
  it('runs Kafka, PostgreSQL and every app', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['ingest-api', 'kafka', 'postgres', 'projector', 'query-api']);
  });

  it('runs the same Kafka version as the local launcher, in KRaft mode', () => {
    const pinned = /<kafka\.version>\s*([^<\s]+)\s*</.exec(readFileSync(path.join(root, 'scripts', 'kafka', 'pom.xml'), 'utf8'))![1];
    expect(compose.services.kafka.image).toBe(`apache/kafka:${pinned}`);
    expect(compose.services.kafka.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' });
  });

  it.each(APPS)('starts %s from its compiled entry point, after healthy dependencies, with a valid configuration', (app) => {
    const svc = compose.services[app];
    expect(svc.build?.dockerfile).toBe('docker/Dockerfile');
    // the context is the repository root, seen from docker/
    expect(path.resolve(root, 'docker', svc.build!.context)).toBe(root);
    const entry = svc.command!.find((c) => c.startsWith('dist/'))!;
    expect(entry).toBe(`dist/apps/${app}/src/main.js`);
    expect(existsSync(path.join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
    expect(svc.depends_on).toEqual({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    const env = Object.fromEntries(Object.entries(svc.environment!).map(([k, v]) => [k, String(v).replace(/\$\{[^}]+\}/, 'an-admin-key-of-enough-length')]));
    const config = loadConfig(env);
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
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
