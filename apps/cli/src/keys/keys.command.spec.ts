import { ApiKeyStore } from '@newsledger/auth';
import { runCli } from '../cli-run.fixture';
import { registerKeysCommand } from './keys.command';

describe('newsledger keys create: bad input', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([[''], ['Reuters Desk'], ['-desk'], ['x'.repeat(64)]])('refuses the name %j as the API does, exits 2 and stores nothing', async (name) => {
    const create = jest.spyOn(ApiKeyStore.prototype, 'create');
    const run = await runCli(registerKeysCommand, ['keys', 'create', '--name', name, '--scopes', 'ingest']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`option '-n, --name <name>' argument '${name}' is invalid`);
    expect(run.stderr).toContain('lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, such as "reuters-desk"');
    expect(create).not.toHaveBeenCalled();
  });
});
