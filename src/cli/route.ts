// Which command (or command group) an argv names. Pure, so the help texts and every `panther …`
// mention in hints can be checked against the same rules the CLI dispatches by.
import type { Command } from './command.ts';

/** What routing reads of a command: its name, and whether it takes words after it. */
export type Routable = Pick<Command, 'name' | 'positionals'>;

export type Route<C extends Routable = Command> =
  | { kind: 'command'; command: C; rest: string[] }
  /** A group like "snapshot": bare (`help` false, a usage error) or with --help/-h. */
  | { kind: 'group'; group: string; help: boolean }
  /** `words` is what was typed; `group` the group whose subcommands to list, or null for the top. */
  | { kind: 'unknown'; words: string; group: string | null };

/** Every proper word prefix of a command name: "snapshot", "backup", "backup key", "doctor", "cost". */
export function commandGroups(commands: readonly Routable[]): Set<string> {
  const groups = new Set<string>();
  for (const c of commands) {
    const words = c.name.split(' ');
    for (let n = 1; n < words.length; n++) groups.add(words.slice(0, n).join(' '));
  }
  return groups;
}

/** The commands under a group, in listing order. */
export function subcommandsOf(commands: readonly Command[], group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

export function route<C extends Routable>(commands: readonly C[], argv: readonly string[]): Route<C> {
  const startsWith = (name: string): number => {
    const words = name.split(' ');
    return words.every((w, i) => argv[i] === w) ? words.length : 0;
  };
  let command: C | undefined;
  let commandWords = 0;
  for (const c of commands) {
    const n = startsWith(c.name);
    if (n > commandWords) { command = c; commandWords = n; }
  }
  let group: string | undefined;
  let groupWords = 0;
  for (const g of commandGroups(commands)) {
    const n = startsWith(g);
    if (n > groupWords) { group = g; groupWords = n; }
  }

  if (command !== undefined && commandWords >= groupWords) {
    const rest = argv.slice(commandWords);
    const next = rest[0];
    // "doctor frobnicate": doctor takes no words, so this was meant as a subcommand of it.
    if (group === command.name && next !== undefined && !next.startsWith('-') && command.positionals !== true) {
      return { kind: 'unknown', words: `${command.name} ${next}`, group: command.name };
    }
    return { kind: 'command', command, rest };
  }
  if (group !== undefined) {
    const next = argv[groupWords];
    if (next === undefined) return { kind: 'group', group, help: false };
    if (isHelp(next)) return { kind: 'group', group, help: true };
    return { kind: 'unknown', words: `${group} ${next}`, group };
  }
  return { kind: 'unknown', words: argv.slice(0, 2).join(' '), group: null };
}

/** The subcommand table of a group, aligned like the top help's. */
export function subcommandTable(commands: readonly Command[], group: string): string {
  const subs = subcommandsOf(commands, group);
  const width = Math.max(...subs.map((c) => c.name.length));
  return subs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

export function groupHelp(commands: readonly Command[], group: string): string {
  return [
    `Usage: panther ${group} <subcommand> [options]   (panther ${group} <subcommand> --help for details)`,
    '',
    'Subcommands:',
    subcommandTable(commands, group),
  ].join('\n');
}
