// The declared shape of a price file (`--prices FILE`): any part of the price table, laid over the
// defaults (prices.ts parsePrices). Unknown fields, classes and operations are errors.
import { z } from 'zod';
import { finite, partialRecord } from '../core/schema.ts';
import { METERED_OPERATIONS } from '../repo/backend/metered.ts';

/** B2's transaction classes; prices.ts re-exports them (this file must not import prices.ts). */
export const TRANSACTION_CLASSES = ['A', 'B', 'C'] as const;

const amount = finite(0, 1e12, 'a number ≥ 0');
const classId = z.enum(TRANSACTION_CLASSES, { error: (i) => `expected "A", "B" or "C", got ${JSON.stringify(i.input)}` });

export const priceFile = z.strictObject({
  $comment: z.string().optional(),
  provider: z.string().optional(),
  storage: z.strictObject({ usdPerTBMonth: amount, freeGB: amount }).partial().optional(),
  egress: z.strictObject({ usdPerGB: amount, freeGBPerDay: amount }).partial().optional(),
  classes: partialRecord(classId, z.strictObject({
    usd: amount,
    perCalls: finite(Number.MIN_VALUE, 1e12, 'a number > 0'),
    freeCallsPerDay: amount,
  }).partial()).optional(),
  operationClass: partialRecord(z.enum(METERED_OPERATIONS, { error: (i) => `unknown operation ${JSON.stringify(i.input)} (${METERED_OPERATIONS.join(', ')})` }), classId).optional(),
  hiddenVersionDays: amount.optional(),
  allowanceShare: finite(0, 1, 'a share from 0 to 1').optional(),
});
