// The state files runs keep (backup progress, the record of completed points, the cost ledger) are
// read one way: missing is "none yet", unreadable is an error naming the file, and text that is not
// JSON is damage (an error, never a silent reset). What the JSON must look like is the caller's.
import { readFile } from 'node:fs/promises';
import { PantherError } from './errors.ts';

export interface StateFileErrors {
  /** Error code and words for a file that exists but cannot be read, e.g. 'ledger-unreadable', 'the cost ledger'. */
  unreadable: { code: string; what: string };
  /** The caller's error for damage (its own code and hint). */
  damaged: (path: string, reason: string, cause: unknown) => Error;
}

/** The parsed JSON of `path`, or null when there is no such file. */
export async function readStateJson(path: string, errors: StateFileErrors): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PantherError(errors.unreadable.code, `${path}: cannot read ${errors.unreadable.what} (${code ?? 'error'})`, {
      subject: path, cause, hint: 'check the path (--state-dir) and that this user may read it',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw errors.damaged(path, `not JSON (${(cause as Error).message})`, cause);
  }
}
