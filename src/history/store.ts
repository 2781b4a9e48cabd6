// The host's history: time series the dashboard plots (pool usage, snapshot counts, backup sizes and
// durations, failures), kept in one embedded SQLite file (node:sqlite) per host in the state
// directory, <state dir>/history-<host>.sqlite (docs/FORMAT.md §5.8). Runs append their metric
// events as they end; the collector appends its gauges. Bounded: rows older than MAX_AGE_DAYS go,
// and past MAX_ROWS the oldest go first, so the file stays a few tens of MB whatever the uptime.
// WAL mode and a busy timeout let a run and the collector write at the same time.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PantherError } from '../core/errors.ts';

export const HISTORY_FORMAT_VERSION = 1;
export const MAX_ROWS = 250_000;
export const MAX_AGE_DAYS = 400;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface Sample {
  name: string;
  /** Tag values as the run or the collector gave them (unsanitised). */
  tags: Readonly<Record<string, string>>;
  value: number;
  /** ISO time. */
  time: string;
}

export interface Point { time: string; value: number; tags: Record<string, string> }

export function historyPath(stateDir: string, host: string): string {
  if (!HOST.test(host)) throw new PantherError('bad-host', `host name ${JSON.stringify(host)} cannot name a state file`, { hint: 'host names are [A-Za-z0-9._-]' });
  return join(stateDir, `history-${host}.sqlite`);
}

/** Tags as one canonical string (sorted keys), so equal tag sets compare equal in SQL. */
export function tagKey(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export interface Bounds { maxRows: number; maxAgeDays: number }

export class History {
  readonly #db: DatabaseSync;
  readonly #bounds: Bounds;
  readonly path: string;

  private constructor(db: DatabaseSync, path: string, bounds: Bounds) {
    this.#db = db;
    this.#bounds = bounds;
    this.path = path;
  }

  /** Opens (creating) the history file; one in another format is an error naming it, never overwritten. */
  static open(path: string, bounds: Bounds = { maxRows: MAX_ROWS, maxAgeDays: MAX_AGE_DAYS }): History {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
      db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;');
      db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS samples (t INTEGER NOT NULL, name TEXT NOT NULL, tags TEXT NOT NULL, value REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS samples_name_t ON samples (name, t);
        INSERT OR IGNORE INTO meta (key, value) VALUES ('format', '${HISTORY_FORMAT_VERSION}');`);
    } catch (cause) {
      throw new PantherError('history-unreadable', `${path}: cannot open the history (${(cause as Error).message})`, {
        subject: path, cause, hint: 'it only holds what the dashboard plots; move it away and the next run starts a new one',
      });
    }
    const format = (db.prepare('SELECT value FROM meta WHERE key = ?').get('format') as { value: string } | undefined)?.value;
    if (format !== String(HISTORY_FORMAT_VERSION)) {
      db.close();
      throw new PantherError('history-unreadable', `${path}: history format ${JSON.stringify(format)}, this version reads ${HISTORY_FORMAT_VERSION}`, {
        subject: path, hint: 'move it away; the next run starts a new one',
      });
    }
    return new History(db, path, bounds);
  }

  /** Appends samples in one transaction, then drops what is past the bounds. */
  append(samples: readonly Sample[], now: Date = new Date()): void {
    if (samples.length === 0) return;
    const insert = this.#db.prepare('INSERT INTO samples (t, name, tags, value) VALUES (?, ?, ?, ?)');
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const s of samples) {
        const t = Date.parse(s.time);
        if (!Number.isFinite(t) || !Number.isFinite(s.value)) continue;
        insert.run(t, s.name, tagKey(s.tags), s.value);
      }
      this.#prune(now.getTime());
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #prune(nowMs: number): void {
    this.#db.prepare('DELETE FROM samples WHERE t < ?').run(nowMs - this.#bounds.maxAgeDays * 86_400_000);
    const { n } = this.#db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number };
    if (n <= this.#bounds.maxRows) return;
    // Down to 90 %: pruning on every append past the cap would rewrite the index each time.
    const drop = n - Math.floor(this.#bounds.maxRows * 0.9);
    this.#db.prepare('DELETE FROM samples WHERE rowid IN (SELECT rowid FROM samples ORDER BY t ASC LIMIT ?)').run(drop);
  }

  /** The points of one metric since `sinceMs`, oldest first; `tags` narrows to series carrying those values. */
  series(name: string, sinceMs: number, tags: Readonly<Record<string, string>> = {}): Point[] {
    const rows = this.#db.prepare('SELECT t, tags, value FROM samples WHERE name = ? AND t >= ? ORDER BY t ASC, rowid ASC').all(name, sinceMs) as Array<{ t: number; tags: string; value: number }>;
    const points: Point[] = [];
    for (const row of rows) {
      const parsed = JSON.parse(row.tags) as Record<string, string>;
      if (Object.entries(tags).every(([k, v]) => parsed[k] === v)) points.push({ time: new Date(row.t).toISOString(), value: row.value, tags: parsed });
    }
    return points;
  }

  rows(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  }

  close(): void {
    this.#db.close();
  }
}

/** Appends to the host's history and closes it: what a run does once as it ends. */
export function appendHistory(stateDir: string, host: string, samples: readonly Sample[], now: Date = new Date()): void {
  const history = History.open(historyPath(stateDir, host));
  try {
    history.append(samples, now);
  } finally {
    history.close();
  }
}
