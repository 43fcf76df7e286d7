import { eventually, freshId, testConfig } from '@newsledger/testing';
import { createKafka } from './kafka.factory';
import { deleteScramUser, upsertScramUser } from './scram-users';
import { withAdmin } from './topics';

describe('SCRAM users through the Admin API (real broker)', () => {
  const admin = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'scram-int' });
  it('creates a user that can log in, and removes it', async () => {
    const user = freshId('nlk');
    await upsertScramUser(admin, user, 'a-password-of-the-desk');
    const login = (password: string) =>
      withAdmin(createKafka({ brokers: testConfig.kafka.brokers, sasl: { mechanism: 'scram-sha-512', username: user, password }, clientId: freshId('scram-int-user'), retry: { retries: 0 } }),
        (a) => a.describeCluster(), { retry: { retries: 0 } }).then(() => 'in', (e: Error) => e.message);
    // The controller commits the credential; each broker applies it a moment later.
    expect(await eventually('the new user to log in', async () => ((await login('a-password-of-the-desk')) === 'in' ? 'in' : undefined))).toBe('in');
    expect(await login('another-password')).toMatch(/SASL|uthentication/);
    await deleteScramUser(admin, user);
    expect(await eventually('the removed user to be refused', async () => {
      const answer = await login('a-password-of-the-desk');
      return answer === 'in' ? undefined : answer;
    })).toMatch(/SASL|uthentication/);
    // Removing a user that is not there is not an error.
    await deleteScramUser(admin, user);
  });
});
