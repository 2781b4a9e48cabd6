import { join } from 'node:path';
import { PantherError } from '../../core/errors.ts';

// What every database drill is given by its caller.
export interface DatabaseDrillContext {
  /**
   * A private, empty directory (0700) for the server's socket, configuration and log, created by the
   * caller. It is lent to the data's owner while the server runs, so its parents must let others pass
   * (x); it is emptied and given back afterwards.
   */
  runDir: string;
  signal?: AbortSignal;
  log(line: string): void;
  /** How long the server may take to answer (crash recovery, loading). Default 5 minutes. */
  timeoutMs?: number;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 5 * 60_000;

/** The data directory under the root: `dataDir` is relative and stays below it ('.' is the root). */
export function dataPath(root: string, dataDir: string): string {
  const parts = dataDir.split('/');
  if (dataDir === '' || dataDir.startsWith('/') || (dataDir !== '.' && parts.some((p) => p === '..' || p === '.' || p === ''))) {
    throw new PantherError('drill-bad-data-dir', `the data directory ${JSON.stringify(dataDir)} is not a plain path below the restored subvolume`, {
      hint: 'give it relative to the subvolume\'s root, as findDatabases returns it ("15/main", ".")',
    });
  }
  return dataDir === '.' ? root : join(root, dataDir);
}
