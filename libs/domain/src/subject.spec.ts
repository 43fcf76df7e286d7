import { DomainError, parseSubject, subjectIdOf, subjectKindOf, subjectOf } from './index';

describe('subjects', () => {
  it('parse into kind and id', () => {
    expect(parseSubject('exchange/ua-ru-2025-05-1000')).toEqual({ kind: 'exchange', id: 'ua-ru-2025-05-1000' });
    expect(parseSubject('negotiation/ua-ru-istanbul-2025')).toEqual({ kind: 'negotiation', id: 'ua-ru-istanbul-2025' });
  });

  it.each(['exchange/', 'exchange/a', 'exchange/-ab', 'exchange/UA-RU', 'swap/ua-ru', 'exchange/ua/ru', `exchange/a${'b'.repeat(80)}`])(
    'rejects %s',
    (subject) => {
      expect(() => parseSubject(subject)).toThrow(DomainError);
      try {
        parseSubject(subject);
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_subject', details: { subject } });
        expect((error as DomainError).is('invalid_subject')).toBe(true);
      }
    },
  );

  it.each(['exchange/ua-ru-2025-05-1000', 'negotiation/ua-ru-istanbul-2025', 'exchange/ab'])('%s gives the same kind and id without the pattern', (subject) => {
    expect({ kind: subjectKindOf(subject), id: subjectIdOf(subject) }).toEqual(parseSubject(subject));
  });

  it('are built from kind and id, which must be valid', () => {
    expect(subjectOf('exchange', 'ua-ru-1')).toBe('exchange/ua-ru-1');
    expect(() => subjectOf('negotiation', 'Bad Id')).toThrow(expect.objectContaining({ code: 'invalid_subject' }));
  });
});
