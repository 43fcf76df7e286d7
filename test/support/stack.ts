import { INestApplication, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, NewsledgerConfig, withConfig } from '@newsledger/config';
import { startHttpApp } from '@newsledger/http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { useLocalKafkaLogin } from './local-kafka-login';

useLocalKafkaLogin();

/** The configuration of this test run (topics, group, database and Kafka login are set by scripts/test.js). */
export const testConfig: NewsledgerConfig = loadConfig();

/** Starts an HTTP app in-process on a free port, configured from the environment as it is now. */
export async function startApi(module: Type<unknown>): Promise<{ app: INestApplication; url: string }> {
  const app = await startHttpApp(withConfig(module, loadConfig()), { host: '127.0.0.1', port: 0, bodyLimit: testConfig.http.maxBatchBodyBytes });
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** Starts a non-HTTP app (the projector) in-process, configured from the environment as it is now. */
export async function startContext(module: Type<unknown>): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(withConfig(module, loadConfig()), { logger: ['error', 'warn'], abortOnError: false });
  await app.init();
  return app;
}

/** A subject id no other test uses. */
export function freshId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Topics of a stack of a test's own, named after the test run (`TEST_RUN_ID`, set by
 * scripts/test.js), which deletes every topic of the run when it ends.
 */
export function ownTopics(name: string): { events: string; statusChanges: string; dlq: string } {
  const prefix = `${process.env.TEST_RUN_ID ?? 'tlocal'}.${name}`;
  return { events: `${prefix}.events`, statusChanges: `${prefix}.status-changes`, dlq: `${prefix}.dlq` };
}

/**
 * A stack of a test file's own: a PostgreSQL schema, topics and a projector group named after
 * `prefix`, put in `process.env` (jest gives each test file its own copy) so the apps the file
 * starts read them. For suites whose work spans a whole schema (a rebuild's swap, a snapshot
 * round), which must not disturb the others sharing the test database.
 */
export function ownStack(prefix: string, env: Record<string, string> = {}): { run: string; schema: string; topics: ReturnType<typeof ownTopics> } {
  const run = freshId(prefix);
  const schema = `${prefix}_${run.replace(/-/g, '_')}`;
  const topics = ownTopics(run);
  Object.assign(process.env, {
    DATABASE_SCHEMA: schema,
    EVENTS_TOPIC: topics.events,
    STATUS_CHANGES_TOPIC: topics.statusChanges,
    DLQ_TOPIC: topics.dlq,
    PROJECTOR_GROUP_ID: `${run}-projector`,
    ...env,
  });
  return { run, schema, topics };
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client for the APIs under test; `key` null sends no Authorization header. */
export function client(baseUrl: string, key: string | null | undefined = testConfig.adminKey) {
  return async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
}
