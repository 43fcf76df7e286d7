import { formatKeys } from './keys.command';

describe('newsledger keys list', () => {
  it('prints a header row above aligned columns', () => {
    expect(
      formatKeys([
        { id: 'k1', name: 'kyiv-desk', scopes: ['ingest', 'read'], subjectKinds: ['exchange'], revokedAt: null },
        { id: 'k22', name: 'prometheus', scopes: ['metrics'], subjectKinds: null, revokedAt: '2025-05-23T10:00:00.000Z' },
      ]),
    ).toBe(
      [
        'ID   NAME        SCOPES       KINDS     STATUS',
        'k1   kyiv-desk   ingest,read  exchange  active',
        'k22  prometheus  metrics      all       revoked 2025-05-23T10:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('says how to make one when there are none', () => {
    expect(formatKeys([])).toBe('no keys yet: newsledger keys create --name <name> --scopes <scopes>\n');
  });
});
