import { usageError } from '../core/errors.ts';
import type { Values } from './command.ts';

/** --device POOL=/dev/X, repeatable → { POOL: "/dev/X" }. */
export function deviceMap(values: Values): Record<string, string> {
  const raw = values['device'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const map: Record<string, string> = {};
  for (const item of list) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0 || !text.slice(eq + 1).startsWith('/dev/')) {
      throw usageError(`--device ${text}: expected POOL=/dev/…`, 'e.g. --device primary=/dev/nvme0n1 --device secondary=/dev/nvme1n1');
    }
    map[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return map;
}
