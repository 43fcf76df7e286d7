import { KafkaDeskError } from '@newsledger/auth';
import { NewsledgerError } from '@newsledger/client';
import { ConfigError } from '@newsledger/config';
import { CommandFailed } from './audit.connections';
import { failureOf, outputFailureOf } from './cli.failure';

describe('how a failed command ends', () => {
  it('exits 2 for what could not be done: a bad environment, an API refusing, the database unreachable', () => {
    expect(failureOf(new ConfigError([{ variable: 'NEWSLEDGER_QUERY_URL', message: 'must be an http or https URL' }]))).toEqual({
      message: 'invalid configuration: NEWSLEDGER_QUERY_URL: must be an http or https URL; fix or unset it',
      exitCode: 2,
    });
    expect(failureOf(new NewsledgerError({ code: 'not_found', message: 'nothing recorded', status: 404 })).exitCode).toBe(2);
    expect(failureOf(new KafkaDeskError('kafka_desk_refused', 'choose another name'))).toEqual({ message: 'choose another name', exitCode: 2 });
    const refused = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })]), { code: 'ECONNREFUSED' });
    expect(failureOf(refused)).toEqual({ message: expect.stringMatching(/^PostgreSQL unreachable \(ECONNREFUSED\); .*DATABASE_URL/), exitCode: 2 });
  });

  it('passes on a command\'s own exit code, and exits 1 for anything unexpected', () => {
    expect(failureOf(new CommandFailed('3 lines rejected', 1))).toEqual({ message: '3 lines rejected', exitCode: 1 });
    expect(failureOf(new CommandFailed('cannot write x', 2))).toEqual({ message: 'cannot write x', exitCode: 2 });
    expect(failureOf(new TypeError('boom'))).toEqual({ message: 'boom', exitCode: 1 });
  });

  it('ends quietly when the reader of stdout goes away, and exits 2 with a message when stdout cannot be written', () => {
    expect(outputFailureOf(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toEqual({ exitCode: 0 });
    expect(outputFailureOf(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toEqual({
      message: 'cannot write the output: ENOSPC: no space left on device, write',
      exitCode: 2,
    });
  });
});
