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
