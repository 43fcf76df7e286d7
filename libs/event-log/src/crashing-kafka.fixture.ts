import type { ConsumerConfig } from 'kafkajs';
import type { KafkaClient } from './kafka.factory';

/** What the test sees of one consumer the fake made. */
export interface MadeConsumer {
  config: ConsumerConfig;
  handlers: Map<string, (e: unknown) => void>;
  subscribed?: unknown;
  ran: boolean;
  disconnected: boolean;
}

/**
 * A fake kafkajs whose consumers can be crashed: `crash(i, restart)` emits kafkajs' CRASH event on
 * the i-th consumer made. The consumers numbered in `connectFails` cannot connect; those in
 * `joinCrashes` crash within `run`, as kafkajs reports a failed group join; those in `joinHangs`
 * stay in `run` until disconnected (a join kafkajs keeps retrying).
 */
export function crashingKafka(plan: { connectFails?: number[]; joinCrashes?: number[]; joinHangs?: number[] } = {}) {
  const made: MadeConsumer[] = [];
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      const i = made.length;
      const state: MadeConsumer = { config, handlers: new Map(), ran: false, disconnected: false };
      made.push(state);
      let cutShort = () => undefined as void;
      return {
        events: { GROUP_JOIN: 'join', CRASH: 'crash' },
        on: (name: string, handler: (e: unknown) => void) => void state.handlers.set(name, handler),
        connect: async () => {
          if (plan.connectFails?.includes(i)) throw new Error('connect ECONNREFUSED');
        },
        subscribe: async (s: unknown) => void (state.subscribed = s),
        run: async () => {
          if (plan.joinHangs?.includes(i)) await new Promise<void>((_, reject) => (cutShort = () => reject(new Error('The group is rebalancing, so a rejoin is needed'))));
          // kafkajs reports a failed join as a crash, emitted before `run` resolves.
          if (plan.joinCrashes?.includes(i)) state.handlers.get('crash')!({ payload: { restart: false, error: new Error('Failed to find group coordinator') } });
          else state.ran = true;
        },
        disconnect: async () => {
          state.disconnected = true;
          cutShort();
        },
      };
    },
  } as unknown as KafkaClient;
  const crash = (i: number, restart: boolean) => made[i].handlers.get('crash')!({ payload: { restart, error: new Error('Failed to find group coordinator') } });
  return { kafka, made, crash };
}

/** Waits (up to a second) until `check` holds, then asserts it. */
export async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** Restart waits short enough for a unit test. */
export const FAST_RESTARTS = { firstMs: 1, maxMs: 4 };
