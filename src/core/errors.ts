// One error type for everything a user can fix. The CLI maps it to an exit code and prints
// message + hint; anything else that escapes is a bug and is printed as one.

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
  // restic's numbers, so scripts written for it read ours the same way.
  noRepository: 10,
  locked: 11,
  wrongKey: 12,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one exit-code table: `panther --help` prints it and a test holds README's "Exit codes" table to
 * it (every README row's meaning starts with `meaning`).
 */
export const EXIT_CODES: ReadonlyArray<{ code: ExitCodeValue; meaning: string; detail: string }> = [
  { code: ExitCode.ok, meaning: 'success', detail: '' },
  { code: ExitCode.failed, meaning: 'failure', detail: 'the message says what failed and how to fix it' },
  { code: ExitCode.usage, meaning: 'usage error', detail: 'unknown command or flag, missing argument' },
  { code: ExitCode.refused, meaning: 'refused', detail: 'needs a decision from you: ambiguous detection, destructive step without --yes, …' },
  { code: ExitCode.noRepository, meaning: 'no repository or no key file', detail: '' },
  { code: ExitCode.locked, meaning: 'locked', detail: 'another run holds the host lock or the backup lock' },
  { code: ExitCode.wrongKey, meaning: 'wrong passphrase or identity', detail: '' },
  { code: ExitCode.interrupted, meaning: 'interrupted', detail: 'by a signal' },
];

export interface PantherErrorOptions {
  /** What failed, on what: `facter.json: hardware.disk[2]`. */
  subject?: string;
  /** What the user should do about it. */
  hint?: string;
  exitCode?: number;
  cause?: unknown;
  /** Extra structured detail for --json output. */
  details?: Record<string, unknown>;
}

export class PantherError extends Error {
  readonly code: string;
  readonly subject: string | undefined;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: PantherErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PantherError';
    this.code = code;
    this.subject = options.subject;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      ...(this.subject === undefined ? {} : { subject: this.subject }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function usageError(message: string, hint?: string): PantherError {
  return new PantherError('usage', message, { exitCode: ExitCode.usage, ...(hint === undefined ? {} : { hint }) });
}

export function isPantherError(value: unknown): value is PantherError {
  return value instanceof PantherError;
}
