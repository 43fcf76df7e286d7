import { Command, InvalidArgumentError } from 'commander';

/** Every command path with its options, from the program itself, so completion never lags behind a new command. */
export function commandTree(program: Command): { path: string[]; options: string[] }[] {
  const out: { path: string[]; options: string[] }[] = [];
  const walk = (cmd: Command, path: string[]) => {
    out.push({ path, options: [...cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))), '--help'] });
    for (const sub of cmd.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

/** A bash completion script: words after the command path are its subcommands, then its options. */
export function bashCompletion(program: Command): string {
  const subcommands = (path: string[]) => (findCommand(program, path)?.commands ?? []).map((c) => c.name()).filter((n) => n !== 'help');
  const tree = commandTree(program);
  const cases = tree.map(({ path, options }) => `    "${path.join(' ')}") words="${[...subcommands(path), ...options].join(' ')}" ;;`);
  const subs = tree.map(({ path }) => `    "${path.join(' ')}") echo "${subcommands(path).join(' ')}" ;;`);
  return `# newsledger completion for bash: source <(npx newsledger completion bash)
_newsledger() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) case " $(_newsledger_subs "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac ;; esac
  done
  local words
  case "$path" in
${cases.join('\n')}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
_newsledger_subs() {
  case "$1" in
${subs.join('\n')}
  esac
}
complete -F _newsledger newsledger
`;
}

/** A zsh completion script, through zsh's bash compatibility. */
export function zshCompletion(program: Command): string {
  return `# newsledger completion for zsh: source <(npx newsledger completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program).split('\n').slice(1).join('\n')}`;
}

function findCommand(program: Command, path: string[]): Command | undefined {
  let cmd: Command | undefined = program;
  for (const name of path) cmd = cmd?.commands.find((c) => c.name() === name);
  return cmd;
}

function shellArg(value: string): 'bash' | 'zsh' {
  if (value !== 'bash' && value !== 'zsh') throw new InvalidArgumentError('bash or zsh');
  return value;
}

/** `newsledger completion bash|zsh`: prints a script that completes commands and options. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script for bash or zsh')
    .argument('<shell>', 'bash or zsh', shellArg)
    .addHelpText(
      'after',
      `
Examples:
  $ source <(npx newsledger completion bash)      # this shell; add it to ~/.bashrc to keep it
  $ npx newsledger completion zsh > ~/.zfunc/_newsledger`,
    )
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
