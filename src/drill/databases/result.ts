// How a database drill turns what went wrong into its record: a database problem is a finding
// (ok=false with code, message and hint), never an exception; a programming error still throws.
import { isPantherError } from '../../core/errors.ts';
import type { DrillReason } from '../types.ts';

export function reasonOf(error: unknown, fallbackCode: string, what: string): DrillReason {
  if (isPantherError(error)) return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return { code: 'drill-aborted', message: `${what}: the drill was stopped`, hint: 'run the drill again' };
  const message = error instanceof Error ? (error.message !== '' ? error.message : String((error as NodeJS.ErrnoException).code ?? error.name)) : String(error);
  return { code: fallbackCode, message: `${what}: ${message}` };
}

/** TypeError, RangeError, ReferenceError, SyntaxError: bugs in the drill, not findings about data. */
export function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError;
}
