import { diffValues } from './difference';

describe('diffValues', () => {
  it('finds nothing in equal values, whatever the key order', () => {
    expect(diffValues('s', '', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('names every differing leaf by its path', () => {
    const stored = { status: 'completed', claims: [{ eventId: 'e1', confirmation: 'claimed' }], released: { UA: 5 } };
    const replayed = { status: 'underway', claims: [{ eventId: 'e1', confirmation: 'confirmed' }, { eventId: 'e2' }], released: {} };
    expect(diffValues('exchange/x', '', stored, replayed)).toEqual([
      { subject: 'exchange/x', field: 'claims[0].confirmation', stored: 'claimed', replayed: 'confirmed' },
      { subject: 'exchange/x', field: 'claims[1]', stored: null, replayed: { eventId: 'e2' } },
      { subject: 'exchange/x', field: 'released.UA', stored: 5, replayed: null },
      { subject: 'exchange/x', field: 'status', stored: 'completed', replayed: 'underway' },
    ]);
  });

  it('reports a change of shape at the node where it happens', () => {
    expect(diffValues('s', 'agreed', null, { stage: 'agreed' })).toEqual([{ subject: 's', field: 'agreed', stored: null, replayed: { stage: 'agreed' } }]);
  });
});
