#!/usr/bin/env node
// Entry point: find the command, parse its flags, run it, map errors to exit codes once.
import { parseArgs } from 'node:util';
import { ENV, VERSION } from '../core/defaults.ts';
import { EXIT_CODES, ExitCode, PantherError, isPantherError } from '../core/errors.ts';
import type { Command, Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { commandGroups, groupHelp, route, subcommandTable } from './route.ts';
import { scrubSecrets, urlSecrets } from '../core/redact-url.ts';
import { SHOWN_PARAMETERS } from '../repo/backend/s3-url.ts';


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

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
    io.out(topHelp());
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  if (argv[0] === '--version') { io.out(VERSION); return ExitCode.ok; }
  // "panther help snapshot" is "panther snapshot --help".
  if (argv[0] === 'help') return main([...argv.slice(1), '--help'], io);
  const found = route(COMMANDS, argv);
  if (found.kind === 'group') {
    io.out(groupHelp(COMMANDS, found.group));
    return found.help ? ExitCode.ok : ExitCode.usage;
  }
  if (found.kind === 'unknown') {
    io.err(`panther: unknown command "${found.words}"\n\n${found.group === null ? topHelp() : groupHelp(COMMANDS, found.group)}`);
    return ExitCode.usage;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return ExitCode.ok;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.err(`panther ${command.name}: ${(error as Error).message}\nUsage: ${command.usage}  (--help for details)`);
    return ExitCode.usage;
  }
  // Second line of defence: whatever a message prints, no secret-looking part of the repository
  // location reaches stdout or stderr (and so journald). The messages themselves use redactUrl.
  const location = typeof parsed.values['repo'] === 'string' ? parsed.values['repo'] : 'repo' in command.options ? process.env[ENV.repo] : undefined;
  const secrets = location === undefined ? [] : urlSecrets(location, SHOWN_PARAMETERS);
  const commandIo: Io = secrets.length === 0 ? { ...io, json: parsed.values['json'] === true } : {
    ...io, json: parsed.values['json'] === true,
    out: (text) => io.out(scrubSecrets(text, secrets)),
    err: (text) => io.err(scrubSecrets(text, secrets)),
  };
  try {
    return await command.run(parsed.values, parsed.positionals, commandIo);
  } catch (error) {
    return report(error, commandIo, command.name);
  }
}

function report(error: unknown, io: Io, name: string): number {
  if (isPantherError(error)) {
    if (io.json) io.out(JSON.stringify(error.toJSON(), null, 2));
    io.err(`panther ${name}: ${error.message}${error.hint === undefined ? '' : `\n  hint: ${error.hint}`}`);
    return error.exitCode;
  }
  const e = error as Error;
  io.err(`panther ${name}: internal error — this should never happen, please report it with the output below.\n` +
    `panther ${VERSION}, node ${process.version}\n${e?.stack ?? String(error)}`);
  if (io.json) io.out(JSON.stringify({ error: 'internal', message: String(e?.message ?? error) }));
  return ExitCode.failed;
}

export function processIo(): Io {
  return {
    out: (text) => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
    err: (text) => { process.stderr.write(text.endsWith('\n') ? text : `${text}\n`); },
    json: false,
    tty: process.stderr.isTTY === true,
  };
}

if (import.meta.main) {
  main(process.argv.slice(2), processIo()).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; },
  );
}

export { PantherError };
