// The ledger file: `<state dir>/cost-<host>.json`. The only I/O in cost/. Written whole, to a
// temporary name and renamed (core/atomic-write.ts), so a crash leaves the old ledger or the new
// one. Read-modify-write is not locked: `backup run` records under the backup lock it already
// takes, so two writers never race.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { PantherError } from '../core/errors.ts';
import { assertHost } from '../repo/names.ts';
import { addRun, emptyLedger, LEDGER_VERSION, type Ledger, type RunInput } from './usage.ts';

export const DEFAULT_STATE_DIR = '/var/lib/panther/state';

export function ledgerPath(stateDir: string, host: string): string {
  assertHost(host);
  return join(stateDir, `cost-${host}.json`);
}

/** The host's ledger; an empty one when the file does not exist yet. */
export async function readLedger(stateDir: string, host: string): Promise<Ledger> {
  const path = ledgerPath(stateDir, host);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return emptyLedger(host);
    throw new PantherError('ledger-unreadable', `${path}: cannot read the cost ledger (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      subject: path, cause, hint: 'check the path (--state-dir) and that this user may read it',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw damaged(path, `not JSON (${(cause as Error).message})`, cause);
  }
  return parseLedger(json, path, host);
}

export function parseLedger(json: unknown, source: string, host: string): Ledger {
  const l = json as Partial<Ledger> | null;
  const problems: string[] = [];
  if (typeof l !== 'object' || l === null) throw damaged(source, 'not an object');
  if (l.version !== LEDGER_VERSION) problems.push(`version: expected ${LEDGER_VERSION}, found ${JSON.stringify(l.version)}`);
  if (l.host !== host) problems.push(`host: the ledger is for ${JSON.stringify(l.host)}, not ${host}`);
  if (typeof l.days !== 'object' || l.days === null || Array.isArray(l.days)) problems.push('days: must be an object');
  if (typeof l.months !== 'object' || l.months === null || Array.isArray(l.months)) problems.push('months: must be an object');
  if (!Array.isArray(l.runs)) problems.push('runs: must be a list');
  else l.runs.forEach((r, i) => {
    if (typeof r?.finished !== 'string' || Number.isNaN(Date.parse(r.finished))) problems.push(`runs[${i}].finished: must be an ISO time`);
    if (r?.storedBytes !== null && typeof r?.storedBytes !== 'number') problems.push(`runs[${i}].storedBytes: a number or null`);
  });
  if (problems.length > 0) throw damaged(source, problems.join('; '));
  return l as Ledger;
}

export async function writeLedger(stateDir: string, ledger: Ledger): Promise<void> {
  const path = ledgerPath(stateDir, ledger.host);
  await mkdir(stateDir, { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(ledger, null, 1)}\n`, 0o640);
}

/** Reads the ledger, adds the run, writes it back; returns the new ledger. */
export async function recordRun(stateDir: string, host: string, run: RunInput, hiddenVersionDays: number): Promise<Ledger> {
  const ledger = addRun(await readLedger(stateDir, host), run, hiddenVersionDays);
  await writeLedger(stateDir, ledger);
  return ledger;
}

function damaged(path: string, why: string, cause?: unknown): PantherError {
  return new PantherError('ledger-damaged', `${path}: not a cost ledger: ${why}`, {
    subject: path, ...(cause === undefined ? {} : { cause }),
    hint: 'move the file away: the next run starts a new ledger (estimates then begin from that run)',
  });
}
