import { test } from 'node:test';
import assert from 'node:assert/strict';
import { B2_PRICES, callsByClass, dayCharges, parsePrices, storageUsd, usdPerGBMonth } from './prices.ts';
import type { DayUsage } from '../repo/backend/metered.ts';

const day = (calls: DayUsage['calls'], bytesDown = 0): DayUsage => ({ calls, bytesUp: 0, bytesDown, bytesDeleted: 0, deletesOfUnknownSize: 0 });
const close = (a: number, b: number, what = ''): void => assert.ok(Math.abs(a - b) < 1e-12, `${what} ${a} ≠ ${b}`);

test('prices: the B2 defaults as the knowledge file states them', () => {
  assert.equal(B2_PRICES.storage.usdPerTBMonth, 6);
  assert.equal(B2_PRICES.storage.freeGB, 10);
  assert.deepEqual(B2_PRICES.egress, { usdPerGB: 0.01, freeGBPerDay: 1 });
  assert.deepEqual(B2_PRICES.classes.A, { usd: 0, perCalls: 1, freeCallsPerDay: 0 });
  assert.deepEqual(B2_PRICES.classes.B, { usd: 0.004, perCalls: 10_000, freeCallsPerDay: 2_500 });
  assert.deepEqual(B2_PRICES.classes.C, { usd: 0.004, perCalls: 1_000, freeCallsPerDay: 2_500 });
  close(usdPerGBMonth(B2_PRICES), 0.006);
});

test('prices: operations map to classes (put, parts, delete = A; get, head = B; list = C)', () => {
  assert.deepEqual(callsByClass({ 'put': 3, 'create-multipart': 1, 'upload-part': 10, 'complete-multipart': 1, 'delete': 2 }, B2_PRICES), { A: 17, B: 0, C: 0 });
  assert.deepEqual(callsByClass({ get: 4, head: 5 }, B2_PRICES), { A: 0, B: 9, C: 0 });
  assert.deepEqual(callsByClass({ list: 6 }, B2_PRICES), { A: 0, B: 0, C: 6 });
});

test('prices: class A is free in any number', () => {
  assert.equal(dayCharges(day({ put: 1_000_000, delete: 50_000 }), B2_PRICES).totalUsd, 0);
});

test('prices: free call allowances apply per day, not per month', () => {
  // 4,000 class B calls on one day: 1,500 billable = $0.0006; the same calls spread over two days: free.
  close(dayCharges(day({ get: 4000 }), B2_PRICES).callsUsd.B, (1500 / 10_000) * 0.004);
  const split = [day({ get: 2000 }), day({ head: 2000 })].map((d) => dayCharges(d, B2_PRICES).totalUsd);
  assert.deepEqual(split, [0, 0]);
  // Class C is ten times dearer per call: 12,500 lists = 10,000 billable = $0.04.
  close(dayCharges(day({ list: 12_500 }), B2_PRICES).callsUsd.C, 0.04);
  assert.equal(dayCharges(day({ list: 2500 }), B2_PRICES).totalUsd, 0, 'exactly the allowance is free');
});

test('prices: downloads are free up to 1 GB a day, then $0.01/GB', () => {
  assert.equal(dayCharges(day({}, 1e9), B2_PRICES).egressUsd, 0);
  close(dayCharges(day({}, 11e9), B2_PRICES).egressUsd, 0.1);
  // A share of the account's allowance: with 0.5, half a GB is free.
  close(dayCharges(day({}, 1e9), { ...B2_PRICES, allowanceShare: 0.5 }).egressUsd, 0.005);
});

test('prices: storage is $6/TB-month after the first 10 GB, prorated for part of a month', () => {
  close(storageUsd(1000, B2_PRICES), 5.94, '1 TB');
  assert.equal(storageUsd(10, B2_PRICES), 0);
  assert.equal(storageUsd(0, B2_PRICES), 0);
  // 100 GB held for half the month = 50 GB-months; the free 10 GB covers half a month too: 45 billable.
  close(storageUsd(50, B2_PRICES, 0.5), 45 * 0.006, 'half month');
});

test('prices: a price file replaces only what it names and lists every problem', () => {
  const p = parsePrices({ storage: { usdPerTBMonth: 7 }, classes: { B: { freeCallsPerDay: 0 } }, operationClass: { head: 'C' }, hiddenVersionDays: 0 }, 'p.json');
  assert.equal(p.storage.usdPerTBMonth, 7);
  assert.equal(p.storage.freeGB, 10);
  assert.deepEqual(p.classes.B, { usd: 0.004, perCalls: 10_000, freeCallsPerDay: 0 });
  assert.equal(p.operationClass.head, 'C');
  assert.equal(p.hiddenVersionDays, 0);
  assert.equal(B2_PRICES.storage.usdPerTBMonth, 6, 'defaults untouched');
  assert.throws(() => parsePrices({ storage: { usdPerTBMonth: -1, colour: 1 }, classes: { D: {} }, operationClass: { put: 'Z', fly: 'A' }, allowanceShare: 2, extra: 1 }, 'bad.json'),
    (e: { code: string; details: { problems: string[] } }) => e.code === 'prices-invalid' && e.details.problems.length === 7);
  // Read through the schema (prices-schema.ts): paths named, known keys listed, "__proto__" refused (zod would drop it).
  assert.throws(() => parsePrices({ classes: { D: {} } }, 'bad.json'), { code: 'prices-invalid', message: 'bad.json: classes: unknown key(s) "D"; known keys: A, B, C' });
  assert.throws(() => parsePrices({ classes: { B: { perCalls: 0 } } }, 'bad.json'), { message: 'bad.json: classes.B.perCalls: expected a number > 0, got 0' });
  assert.throws(() => parsePrices(JSON.parse('{"operationClass": {"__proto__": "A"}}'), 'bad.json'), { message: /operationClass\["__proto__"\]: key "__proto__" is a reserved word/ });
});
