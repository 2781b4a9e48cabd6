// The counters file on disk: read by the exporter at scrape time, added to by every run. Runs of one
// host may end at the same moment (a snapshot run during a backup), so an update holds an flock(2)
// on a lock file beside it (read, add, write atomically, release): no increment is lost. A file
// that is not ours any more (damaged, another version) is kept aside as `.damaged`, replaced, and
// the counters start again: Prometheus reads that as a counter reset, and a run never fails for it.
import { constants, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { tryExclusiveFlock } from '../btrfs/flock.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { mkdirPrivate } from '../core/private-dir.ts';
import { applyEvents, emptyState, parseState, type CounterSeries, type CountersState, type GaugeSeries } from './counters-format.ts';
import type { MetricEvent } from './events.ts';

export const LOCK_WAIT_MS = 10_000;
const POLL_MS = 25;
// A plan's host name is validated, but the file name must not depend on that.
const SAFE_HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export function countersPath(stateDir: string, host: string): string {
  if (!SAFE_HOST.test(host)) throw new Error(`host ${JSON.stringify(host.slice(0, 80))} cannot name a metrics file`);
  return join(stateDir, `metrics-${host}.json`);
}

export interface CountersReading {
  counters: CounterSeries[];
  gauges: GaugeSeries[];
  /** Null, or why the file could not be believed (then no series are returned). */
  problem: string | null;
}

/** What the runs have counted for `host` (the exporter's read: no lock, the file is replaced atomically). */
export async function readCounters(stateDir: string, host: string): Promise<CountersReading> {
  let path: string;
  try { path = countersPath(stateDir, host); } catch (error) { return { counters: [], gauges: [], problem: (error as Error).message }; }
  const read = await readState(path, host);
  if (typeof read === 'string') return { counters: [], gauges: [], problem: read };
  return { counters: read?.counters ?? [], gauges: read?.gauges ?? [], problem: null };
}

/**
 * Adds `events` to the file under its lock. Throws only on what the caller should warn about
 * (cannot create or lock or write); damage is repaired here and said through `warn`.
 */
export async function recordEvents(stateDir: string, host: string, events: readonly MetricEvent[], now: string, warn: (line: string) => void): Promise<void> {
  const path = countersPath(stateDir, host);
  await mkdirPrivate(stateDir);
  const lock = await lockFile(`${path}.lock`);
  try {
    const read = await readState(path, host);
    let state: CountersState;
    if (typeof read === 'string') {
      warn(`metrics: ${path} is damaged (${read}); kept as ${path}.damaged, the counters start again`);
      await rename(path, `${path}.damaged`).catch(() => undefined);
      state = emptyState(host, now);
    } else {
      state = read ?? emptyState(host, now);
    }
    await writeFileAtomic(path, `${JSON.stringify(applyEvents(state, events, now), null, 2)}\n`, 0o644);
  } finally {
    await lock.close();
  }
}

/** The state, null when there is no file, or why the file is damaged. */
async function readState(path: string, host: string): Promise<CountersState | null | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (error) { return `not JSON: ${(error as Error).message}`; }
  return parseState(data, host);
}

async function lockFile(path: string): Promise<FileHandle> {
  // O_NOFOLLOW: a symlink planted at the path must not make root create or lock another file.
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (!(await tryExclusiveFlock(handle.fd, path))) {
      if (Date.now() >= deadline) throw new Error(`${path}: held by another run for ${LOCK_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS + Math.random() * POLL_MS));
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
