import { formatCreatedKey, formatKeys } from './keys.command';

describe('newsledger keys list', () => {
  it('prints a header row above aligned columns', () => {
    expect(
      formatKeys([
        { id: 'k1', name: 'kyiv-desk', scopes: ['ingest', 'read'], subjectKinds: ['exchange'], kafkaUser: 'desk.kyiv-desk', revokedAt: null },
        { id: 'k22', name: 'prometheus', scopes: ['metrics'], subjectKinds: null, revokedAt: '2025-05-23T10:00:00.000Z' },
      ]),
    ).toBe(
      [
        'ID   NAME        SCOPES       KINDS     KAFKA           STATUS',
        'k1   kyiv-desk   ingest,read  exchange  desk.kyiv-desk  active',
        'k22  prometheus  metrics      all       -               revoked 2025-05-23T10:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('prints a key on Kafka with its login and topics', () => {
    const text = formatCreatedKey({
      id: 'k1', name: 'kyiv-desk', scopes: ['ingest'], key: 'nlk_k1_secret',
      kafka: { mechanism: 'scram-sha-512', username: 'desk.kyiv-desk', password: 'pw', brokers: ['127.0.0.1:9094'], topic: 'newsledger.inbound.kyiv-desk',
        rejectionsTopic: 'newsledger.inbound.rejections.kyiv-desk', groupPrefix: 'desk.kyiv-desk.' },
    });
    expect(text.split('\n')).toEqual([
      'nlk_k1_secret',
      '(id k1, scopes ingest; shown once)',
      '',
      'Kafka (SASL/SCRAM-SHA-512 on 127.0.0.1:9094; the password is shown once):',
      '  user      desk.kyiv-desk',
      '  password  pw',
      '  publish to         newsledger.inbound.kyiv-desk   (reports, keyed by subject)',
      '  refused reports on newsledger.inbound.rejections.kyiv-desk   (consumer groups starting "desk.kyiv-desk.")',
      '',
    ]);
  });

  it('says how to make one when there are none', () => {
    expect(formatKeys([])).toBe('no keys yet: newsledger keys create --name <name> --scopes <scopes>\n');
  });
});
