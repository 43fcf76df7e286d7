import fc from 'fast-check';
import { isolatePoison } from './poison.isolation';

class Poison extends Error {}
class Outage extends Error {}

/** A store that applies messages all-or-nothing and refuses any transaction holding a poison one. */
function store(poison: ReadonlySet<number>, opts: { outageOn?: number } = {}) {
  const applied: number[] = [];
  const setAside: number[] = [];
  let transactions = 0;
  return {
    applied,
    setAside,
    transactions: () => transactions,
    how: {
      apply: async (ms: readonly number[]) => {
        transactions += 1;
        if (opts.outageOn !== undefined && ms.includes(opts.outageOn)) throw new Outage('connection lost');
        if (ms.some((m) => poison.has(m))) throw new Poison('invalid input syntax for type json');
        applied.push(...ms);
      },
      isPoison: (e: unknown) => e instanceof Poison,
      setAside: async (m: number) => {
        setAside.push(m);
      },
    },
  };
}

describe('isolatePoison', () => {
  it('sets aside exactly the poison messages and applies all the others, in log order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(), { maxLength: 6 }), async (n, picks) => {
        const messages = Array.from({ length: n }, (_, i) => i);
        const poison = new Set(picks.map((p) => p % n));
        const s = store(poison);
        await isolatePoison(messages, s.how);
        expect(s.setAside).toEqual([...poison].sort((a, b) => a - b));
        expect(s.applied).toEqual(messages.filter((m) => !poison.has(m)));
      }),
    );
  });

  it('costs a few transactions per poison message, not one per message', async () => {
    const messages = Array.from({ length: 1024 }, (_, i) => i);
    const s = store(new Set([700]));
    await isolatePoison(messages, s.how);
    expect(s.setAside).toEqual([700]);
    expect(s.transactions()).toBeLessThanOrEqual(2 * Math.log2(1024) + 1);
  });

  it('throws a transient failure instead of setting anything aside', async () => {
    const s = store(new Set([3]), { outageOn: 5 });
    await expect(isolatePoison([0, 1, 2, 3, 4, 5, 6, 7], s.how)).rejects.toBeInstanceOf(Outage);
    expect(s.setAside).toEqual([3]);
    expect(s.applied).not.toContain(5);
  });

  it('applies a lone message that fails once and then succeeds (a race, not poison)', async () => {
    let tries = 0;
    const applied: number[] = [];
    const how = {
      apply: async (ms: readonly number[]) => {
        tries += 1;
        if (tries === 1) throw new Poison('duplicate key');
        applied.push(...ms);
      },
      isPoison: (e: unknown) => e instanceof Poison,
      setAside: async () => {
        throw new Error('must not be set aside');
      },
    };
    // The caller's own attempt fails; isolatePoison's try of the lone message succeeds.
    await expect(how.apply([9])).rejects.toBeInstanceOf(Poison);
    await isolatePoison([9], how);
    expect(applied).toEqual([9]);
  });
});
