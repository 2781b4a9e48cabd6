// The cost ledger as data: what each run used, per UTC day and per month, and how much the host had
// stored when the run ended. Pure: ledger.ts reads and writes it, estimate.ts reads it.
import { addDay, addUsage, emptyDay, type DayUsage, type MeteredOperation, type UsageByDay } from '../repo/backend/metered.ts';

export const LEDGER_VERSION = 1;

/** How much history a ledger keeps: days for estimates and trends, runs for the trend and the record. */
export const LEDGER_LIMITS = { keepDays: 400, keepRuns: 1000 } as const;

export interface RunRecord {
  /** What ran: "backup", "prune", "check", "restore", … */
  kind: string;
  started: string;
  finished: string;
  /** Bytes and objects under the host's prefix when the run ended (a listing); null = not measured. */
  storedBytes: number | null;
  storedObjects: number | null;
  /** Hidden versions still billed when the run ended: bytes deleted within the lifecycle delay. */
  hiddenBytes: number;
  bytesUp: number;
  bytesDown: number;
  calls: Partial<Record<MeteredOperation, number>>;
}

/** A month's sums, kept after its days are trimmed. */
export interface MonthUsage extends DayUsage {
  runs: number;
}

export interface Ledger {
  version: typeof LEDGER_VERSION;
  host: string;
  days: UsageByDay;
  /** "YYYY-MM" (UTC) → sums of its days. */
  months: Record<string, MonthUsage>;
  /** Oldest first. */
  runs: RunRecord[];
}

export interface RunInput {
  kind: string;
  started: string;
  finished: string;
  /** From MeteredBackend.usage(). */
  usage: UsageByDay;
  /** From measureStored at the end of the run; null when the run did not list the repository. */
  stored: { bytes: number; objects: number } | null;
}

export function emptyLedger(host: string): Ledger {
  return { version: LEDGER_VERSION, host, days: {}, months: {}, runs: [] };
}

/** The ledger with one more run (pure). `hiddenVersionDays` comes from the price table. */
export function addRun(ledger: Ledger, run: RunInput, hiddenVersionDays: number): Ledger {
  const days = addUsage(ledger.days, run.usage);
  const months = structuredClone(ledger.months);
  for (const [date, day] of Object.entries(run.usage)) {
    const key = date.slice(0, 7);
    const { runs, ...sums } = months[key] ?? { ...emptyDay(), runs: 0 };
    months[key] = { ...addDay(sums, day), runs };
  }
  const runMonth = run.finished.slice(0, 7);
  const m = months[runMonth] ?? { ...emptyDay(), runs: 0 };
  months[runMonth] = { ...m, runs: m.runs + 1 };
  const total = Object.values(run.usage).reduce(addDay, emptyDay());
  const record: RunRecord = {
    kind: run.kind, started: run.started, finished: run.finished,
    storedBytes: run.stored?.bytes ?? null, storedObjects: run.stored?.objects ?? null,
    hiddenBytes: hiddenBytesAt(days, run.finished, hiddenVersionDays),
    bytesUp: total.bytesUp, bytesDown: total.bytesDown, calls: total.calls,
  };
  return trimLedger({ ...ledger, days, months, runs: [...ledger.runs, record] }, run.finished);
}

/**
 * Bytes deleted within the last `delayDays` before `at`: hidden versions the lifecycle rule has not
 * removed yet. Deletes are recorded per day, so a delete is taken to happen at noon of its day.
 */
export function hiddenBytesAt(days: UsageByDay, at: string, delayDays: number): number {
  const atMs = Date.parse(at);
  let bytes = 0;
  for (const [date, day] of Object.entries(days)) {
    const deletedAt = Date.parse(`${date}T12:00:00Z`);
    const age = (atMs - deletedAt) / 86_400_000;
    if (age >= -0.5 && age < delayDays) bytes += day.bytesDeleted;
  }
  return bytes;
}

function trimLedger(ledger: Ledger, now: string): Ledger {
  const cutoff = new Date(Date.parse(now) - LEDGER_LIMITS.keepDays * 86_400_000).toISOString().slice(0, 10);
  const days = Object.fromEntries(Object.entries(ledger.days).filter(([d]) => d >= cutoff).sort(([a], [b]) => (a < b ? -1 : 1)));
  const runs = ledger.runs.slice(-LEDGER_LIMITS.keepRuns);
  return { ...ledger, days, runs };
}
