// How a failure becomes an HTTP answer: `{ error: { code, message, hint } }` with the status the
// failure deserves. A PantherError keeps its code, message and hint (they are written for users);
// anything else is a bug and is answered as `internal` without its message or stack.
import { ExitCode, PantherError } from '../core/errors.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, hint?: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.headers = headers;
  }
}

export interface ErrorBody { error: { code: string; message: string; hint?: string } }

/** Codes whose meaning is "what you named does not exist". */
const NOT_FOUND = new Set(['no-such-snapshot', 'not-in-snapshot', 'unknown-subvolume', 'no-snapshots']);
/** Codes that refuse what was asked as unsafe or malformed, whatever their exit code. */
const BAD_REQUEST = new Set(['unsafe-path', 'source-through-link', 'bad-snapshot-name', 'restore-whole', 'diff-subvolumes', 'not-snapshottable', 'serve-restore-target']);

export function statusOf(error: PantherError): number {
  if (NOT_FOUND.has(error.code)) return 404;
  if (BAD_REQUEST.has(error.code)) return 400;
  if (error.exitCode === ExitCode.usage) return 400;
  if (error.exitCode === ExitCode.refused || error.exitCode === ExitCode.locked) return 409;
  return 500;
}

export function errorAnswer(error: unknown, log: (line: string) => void): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    return { status: error.status, headers: error.headers, body: { error: { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) } } };
  }
  if (error instanceof PantherError) {
    const status = statusOf(error);
    if (status >= 500) log(`serve: ${error.code}: ${error.message}`);
    return { status, headers: {}, body: { error: { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) } } };
  }
  // A bug: its message may name internals; the log has it, the client does not.
  log(`serve: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { status: 500, headers: {}, body: { error: { code: 'internal', message: 'internal error; the server\'s log says more', hint: 'report it with the log lines of this request' } } };
}
