import {
  countsAsConfirmed,
  countsAsReported,
  independenceKey,
  officialPartyOf,
  strongestConfirmation,
} from './confirmation';
import { CONFIRMATIONS, SOURCE_KINDS } from './event.catalogue';

describe('what a confirmation counts for', () => {
  it('counts only confirmed reports as confirmed, and everything but a denial as reported', () => {
    expect(CONFIRMATIONS.filter(countsAsConfirmed)).toEqual(['confirmed']);
    expect(CONFIRMATIONS.filter(countsAsReported)).toEqual(['confirmed', 'reported', 'claimed', 'unconfirmed']);
  });

  it('ranks confirmed > reported > claimed > unconfirmed, and never picks a denial', () => {
    expect(strongestConfirmation(['unconfirmed', 'claimed'])).toBe('claimed');
    expect(strongestConfirmation(['reported', 'confirmed', 'claimed'])).toBe('confirmed');
    expect(strongestConfirmation(['unconfirmed', 'reported'])).toBe('reported');
    expect(strongestConfirmation(['denied', 'unconfirmed'])).toBe('unconfirmed');
    expect(strongestConfirmation(['denied'])).toBeNull();
    expect(strongestConfirmation([])).toBeNull();
  });
});

describe('official statement of a party', () => {
  it('is a source of kind official or government that names its party', () => {
    const kinds = SOURCE_KINDS.filter((kind) => officialPartyOf({ kind, party: 'RU' }) !== null);
    expect(kinds).toEqual(['official', 'government']);
    expect(officialPartyOf({ kind: 'official', party: 'RU' })).toBe('RU');
  });

  it('needs a party: an official without one speaks for nobody in particular', () => {
    expect(officialPartyOf({ kind: 'official' })).toBeNull();
  });
});

describe('independence key', () => {
  it('is via when present, else the name, trimmed and compared case-insensitively', () => {
    expect(independenceKey({ name: 'Reuters', via: 'TASS' })).toBe(independenceKey({ name: 'AP', via: ' tass ' }));
    expect(independenceKey({ name: ' Reuters ' })).toBe(independenceKey({ name: 'REUTERS' }));
    expect(independenceKey({ name: 'Reuters' })).not.toBe(independenceKey({ name: 'Reuters', via: 'TASS' }));
  });
});
