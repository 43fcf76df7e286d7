import { Command } from 'commander';
import { runCli } from './cli-run.fixture';
import { hintAfterUsageErrors, registerCommands } from './cli.commands';
import { bashCompletion, zshCompletion } from './completion/completion.command';

const register = (program: Command) => {
  registerCommands(program);
  hintAfterUsageErrors(program);
};

describe('usage errors', () => {
  it('print one line and a hint naming the help, not the whole help', async () => {
    const r = await runCli(register, ['show', 'exchange/a', '--bogus']);
    expect(r).toEqual({ exitCode: 2, stderr: `error: unknown option '--bogus'\n(see "newsledger help show" for its options and examples)\n` });
    const keys = await runCli(register, ['keys', 'create', '--name', 'x']);
    expect(keys.stderr).toBe(`error: required option '-s, --scopes <scopes>' not specified\n(see "newsledger help keys create" for its options and examples)\n`);
    const top = await runCli(register, ['shw']);
    expect(top.stderr.trim().split('\n')).toEqual(["error: unknown command 'shw'", '(Did you mean show?)', '(see "newsledger --help" for the commands)']);
  });
});

describe('newsledger completion', () => {
  const program = new Command('newsledger');
  registerCommands(program);

  it('completes every command, its subcommands and its options in bash', () => {
    const script = bashCompletion(program);
    expect(script).toContain('complete -F _newsledger newsledger');
    expect(script).toMatch(/"\) words="ingest list show explain history tail keys export rebuild verify replay dead-letters kafka-access completion --help"/);
    expect(script).toMatch(/"keys"\) words="create list revoke --help"/);
    expect(script).toMatch(/"tail"\) words="[^"]*--until-idle[^"]*"/);
    expect(script).toMatch(/"dead-letters"\) words="-n --limit --before --json --help"/);
    expect(script).toMatch(/"kafka-access"\) words="--dry-run --help"/);
  });

  it('gives zsh the same through its bash compatibility', () => {
    expect(zshCompletion(program)).toMatch(/^# newsledger completion for zsh[^\n]*\nautoload -U \+X bashcompinit && bashcompinit\n_newsledger\(\) \{/);
  });

  it('refuses another shell as a usage error', async () => {
    expect(await runCli(register, ['completion', 'fish'])).toEqual({
      exitCode: 2,
      stderr: `error: command-argument value 'fish' is invalid for argument 'shell'. bash or zsh\n(see "newsledger help completion" for its options and examples)\n`,
    });
  });
});
