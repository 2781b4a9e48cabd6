// The help texts: the top list, a command's, a group's. Loads every command's meta file (index.ts),
// so main.ts imports this only when help is asked for or a command is unknown.
import { EXIT_CODES } from '../core/errors.ts';
import type { Command } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { commandGroups, subcommandTable } from './route.ts';

export { COMMANDS };
export { groupHelp } from './route.ts';

export const EXIT_TABLE = ['Exit codes:', ...EXIT_CODES.map((e) => `  ${String(e.code).padEnd(4)}${e.meaning}${e.detail === '' ? '' : ` (${e.detail})`}`)].join('\n');

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'panther — plan, snapshot, back up and prove btrfs storage for NixOS hosts',
    '',
    'Usage: panther <command> [options]   (panther <command> --help for details)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command that reports takes --json: one JSON document on stdout, logs on stderr.',
    EXIT_TABLE,
  ].join('\n');
}

/** A command's --help; a command that is also a group ("doctor") lists its subcommands too. */
export function commandHelp(command: Command): string {
  const subs = commandGroups(COMMANDS).has(command.name) ? `\n\nSubcommands:\n${subcommandTable(COMMANDS, command.name)}` : '';
  return `Usage: ${command.usage}\n\n${command.summary}\n\n${command.help}${subs}\n\n${EXIT_TABLE}`;
}
