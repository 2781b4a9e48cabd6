// The declared shape of the cost ledger (<state dir>/cost-<host>.json). Written by every backup,
// prune and check run; a damaged or hand-edited ledger is refused with the path of the bad value.
// Objects are not strict: the file is machine-written, and extra keys are kept as they were.
import { z } from 'zod';
import { finite, partialRecord, record, text, whole, type SameShape } from '../core/schema.ts';
import { METERED_OPERATIONS } from '../repo/backend/metered.ts';
import type { Ledger } from './usage.ts';

const instant = text('an ISO time').refine((s) => !Number.isNaN(Date.parse(s)), { error: (i) => `${JSON.stringify(i.input)} is not an ISO time` });
const bytes = finite(0, Number.MAX_SAFE_INTEGER, 'bytes ≥ 0');
const count = whole(0, Number.MAX_SAFE_INTEGER, 'a count ≥ 0');
const calls = partialRecord(z.enum(METERED_OPERATIONS), count);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (i) => `${JSON.stringify(i.input)} is not a UTC date YYYY-MM-DD` });
const month = z.string().regex(/^\d{4}-\d{2}$/, { error: (i) => `${JSON.stringify(i.input)} is not a UTC month YYYY-MM` });

const usage = { calls, bytesUp: bytes, bytesDown: bytes, bytesDeleted: bytes, deletesOfUnknownSize: count };

export const ledger = z.object({
  version: z.literal(1),
  host: text('a host name'),
  days: record(day, z.object(usage)),
  months: record(month, z.object({ ...usage, runs: count })),
  runs: z.array(z.object({
    kind: z.string(),
    started: instant,
    finished: instant,
    storedBytes: bytes.nullable(),
    storedObjects: count.nullable(),
    hiddenBytes: bytes,
    bytesUp: bytes,
    bytesDown: bytes,
    calls,
  })),
});

export const LEDGER_SCHEMA_MATCHES: SameShape<z.output<typeof ledger>, Ledger> = true;
