// A failure as the drill record keeps it: the error's code, message and hint, never a stack.
import { isPantherError } from '../core/errors.ts';
import type { DrillReason } from './types.ts';

export function reasonOf(error: unknown): DrillReason {
  if (isPantherError(error)) return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  const e = error as NodeJS.ErrnoException;
  return { code: e.code === undefined ? 'drill-error' : `drill-${e.code.toLowerCase()}`, message: e.message ?? String(error) };
}
