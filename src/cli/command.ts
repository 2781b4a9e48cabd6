// The shape every command file exports, and what a command gets to talk to the user with.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Io {
  /** One JSON document (with --json) or the human text. */
  out(text: string): void;
  /** Logs and progress; never parsed by scripts. */
  err(text: string): void;
  json: boolean;
  /** stderr is a terminal: progress may redraw lines. */
  tty: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Help text after the usage line: options, examples, exit codes. */
  help: string;
  options: OptionSpec;
  positionals?: boolean;
  run(values: Values, positionals: string[], io: Io): Promise<number>;
}

/** What help and routing read about a command: everything but the code that runs it. */
export type CommandInfo = Omit<Command, 'run'>;

/**
 * A command whose implementation module is imported only when it runs: `panther snapshot run` (every
 * 15 minutes) does not load the S3 SDK, and `--help` loads no command's implementation.
 */
export function lazyCommand(info: CommandInfo, load: () => Promise<Command>): Command {
  return { ...info, run: async (values, positionals, io) => (await load()).run(values, positionals, io) };
}

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function flag(values: Values, key: string): boolean {
  return values[key] === true;
}

export function emit(io: Io, data: unknown, text: () => string): void {
  io.out(io.json ? JSON.stringify(data, null, 2) : text());
}
