// Entry point: find the command, parse its flags, run it, map errors to exit codes once.
// Start-up is part of every command's cost (a timer runs `snapshot run` every 15 minutes): this file
// loads only the command table; help texts, the command that runs and the secret scrubbing are
// imported when needed. test/cli-lazy.test.ts holds the module sets of `--version` and `snapshot list`.
import { parseArgs } from 'node:util';
import { ENV, VERSION } from '../core/defaults.ts';
import { ExitCode, PantherError, isPantherError } from '../core/errors.ts';
import type { Command, Io } from './command.ts';
import { COMMAND_TABLE } from './commands/table.ts';
import { route } from './route.ts';

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv[0] === '--version') { io.out(VERSION); return ExitCode.ok; }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
    io.out((await import('./help.ts')).topHelp());
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  // "panther help snapshot" is "panther snapshot --help".
  if (argv[0] === 'help') return main([...argv.slice(1), '--help'], io);
  const found = route(COMMAND_TABLE, argv);
  if (found.kind === 'group') {
    const help = await import('./help.ts');
    io.out(help.groupHelp(help.COMMANDS, found.group));
    return found.help ? ExitCode.ok : ExitCode.usage;
  }
  if (found.kind === 'unknown') {
    const help = await import('./help.ts');
    io.err(`panther: unknown command "${found.words}"\n\n${found.group === null ? help.topHelp() : help.groupHelp(help.COMMANDS, found.group)}`);
    return ExitCode.usage;
  }
  const { rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    const help = await import('./help.ts');
    io.out(help.commandHelp(help.COMMANDS.find((c) => c.name === found.command.name)!));
    return ExitCode.ok;
  }
  const command = await found.command.load();
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
  const commandIo = await scrubbed(withFields(io, { json: parsed.values['json'] === true }), command, parsed.values['repo']);
  try {
    return await command.run(parsed.values, parsed.positionals, commandIo);
  } catch (error) {
    return report(error, commandIo, command.name);
  }
}

/**
 * Second line of defence: whatever a message prints, no secret-looking part of the repository
 * location reaches stdout or stderr (and so journald). The messages themselves use redactUrl.
 * Commands without a repository never load the URL code.
 */
async function scrubbed(io: Io, command: Command, repo: unknown): Promise<Io> {
  const location = typeof repo === 'string' ? repo : 'repo' in command.options ? process.env[ENV.repo] : undefined;
  if (location === undefined) return io;
  const [{ scrubSecrets, urlSecrets }, { SHOWN_PARAMETERS }] = await Promise.all([import('../core/redact-url.ts'), import('../repo/backend/s3-url.ts')]);
  const secrets = urlSecrets(location, SHOWN_PARAMETERS);
  return secrets.length === 0 ? io : withFields(io, {
    out: (text) => io.out(scrubSecrets(text, secrets)),
    err: (text) => io.err(scrubSecrets(text, secrets)),
  });
}

/** `io` with some fields replaced; its getters stay getters (a spread would read processIo's tty). */
function withFields(io: Io, fields: Partial<Io>): Io {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(io), ...Object.getOwnPropertyDescriptors(fields) }) as Io;
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
    // Read when a command asks: process.stderr creates its stream on first use (for a pipe, with
    // node:net), which a command that writes nothing there never needs.
    get tty() { return process.stderr.isTTY === true; },
  };
}

if (import.meta.main) {
  main(process.argv.slice(2), processIo()).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; },
  );
}

export { PantherError };
