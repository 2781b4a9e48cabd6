// The ledger file: `<state dir>/cost-<host>.json`. The only I/O in cost/. Written whole, to a
// temporary name and renamed (core/atomic-write.ts), so a crash leaves the old ledger or the new
// one. Read-modify-write is not locked: `backup run` records under the backup lock it already
// takes, so two writers never race.
import { mkdir } from 'node:fs/promises';
import { readStateJson } from '../core/read-state-json.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { PantherError } from '../core/errors.ts';
import { checkSchema, schemaError } from '../core/schema.ts';
import { assertHost } from '../repo/names.ts';
import { ledger as ledgerSchema } from './ledger-schema.ts';
import { addRun, emptyLedger, type Ledger, type RunInput } from './usage.ts';

export function ledgerPath(stateDir: string, host: string): string {
  assertHost(host);
  return join(stateDir, `cost-${host}.json`);
}

/** The host's ledger; an empty one when the file does not exist yet. */
export async function readLedger(stateDir: string, host: string): Promise<Ledger> {
  const path = ledgerPath(stateDir, host);
  const json = await readStateJson(path, { unreadable: { code: 'ledger-unreadable', what: 'the cost ledger' }, damaged });
  return json === null ? emptyLedger(host) : parseLedger(json, path, host);
}

export function parseLedger(json: unknown, source: string, host: string): Ledger {
  const checked = checkSchema(ledgerSchema, json);
  if (!checked.ok) throw schemaError(source, checked.problems, { code: 'ledger-damaged', what: 'a cost ledger', hint: DAMAGED_HINT });
  if (checked.value.host !== host) throw damaged(source, `host: the ledger is for ${JSON.stringify(checked.value.host)}, not ${host}`);
  // The file as written (keys the schema does not name included), now known to have the declared shape.
  return json as Ledger;
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

const DAMAGED_HINT = 'move the file away: the next run starts a new ledger (estimates then begin from that run)';

function damaged(path: string, why: string, cause?: unknown): PantherError {
  return new PantherError('ledger-damaged', `${path}: not a cost ledger: ${why}`, {
    subject: path, ...(cause === undefined ? {} : { cause }),
    hint: DAMAGED_HINT,
  });
}
