import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../repo/backend/memory.ts';
import { MeteredBackend, addUsage, measureStored } from '../repo/backend/metered.ts';
import { runBackendConformance } from '../repo/backend/conformance.ts';
import { B2_PRICES, callsByClass } from './prices.ts';

runBackendConformance('metered over memory', async () => ({ backend: new MeteredBackend(new MemoryBackend()) }));

function clock(start: string): { now: () => Date; set: (iso: string) => void } {
  let t = new Date(start);
  return { now: () => t, set: (iso) => { t = new Date(iso); } };
}

async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

test('metered: puts and deletes are class A, gets and heads class B, listing pages class C', async () => {
  const c = clock('2027-03-14T02:00:00Z');
  const b = new MeteredBackend(new MemoryBackend(), { now: c.now, listPageSize: 1000 });
  for (let i = 0; i < 2500; i++) await b.put(`h/packs/${String(i).padStart(5, '0')}`, new Uint8Array(10));
  await b.get('h/packs/00001');
  await b.get('h/packs/00002', { offset: 2, length: 5 });
  await drain(b.getStream('h/packs/00003'));
  await b.head('h/packs/00004');
  await b.head('h/packs/missing');
  assert.equal(await drain(b.list('h/packs/')), 2500); // 3 pages of ≤ 1000 keys
  await drain(b.list('h/nothing/')); // an empty listing is still one call
  await b.delete('h/packs/00000');
  const day = b.usage()['2027-03-14']!;
  assert.deepEqual(day.calls, { put: 2500, get: 3, head: 2, list: 4, delete: 1 });
  assert.deepEqual(callsByClass(day.calls, B2_PRICES), { A: 2501, B: 5, C: 4 });
  assert.equal(day.bytesUp, 25_000);
  assert.equal(day.bytesDown, 10 + 5 + 10);
  assert.equal(day.bytesDeleted, 10, 'the size came from the listing, without a HEAD');
});

test('metered: calls land on the UTC day they are made, whatever the local time', async () => {
  const c = clock('2027-03-14T23:59:59.999Z');
  const b = new MeteredBackend(new MemoryBackend(), { now: c.now });
  await b.put('h/a', new Uint8Array(3));
  c.set('2027-03-15T00:00:00.000Z');
  await b.get('h/a');
  const usage = b.usage();
  assert.deepEqual(Object.keys(usage), ['2027-03-14', '2027-03-15']);
  assert.deepEqual(usage['2027-03-14']!.calls, { put: 1 });
  assert.deepEqual(usage['2027-03-15']!.calls, { get: 1 });
});

test('metered: streamed puts are measured as they pass; large ones count as multipart uploads', async () => {
  const b = new MeteredBackend(new MemoryBackend(), { now: () => new Date('2027-01-01T03:00:00Z'), multipart: { thresholdBytes: 100, partBytes: 40 } });
  await b.put('h/small', new Uint8Array(100));
  await b.put('h/large', (async function* () { yield new Uint8Array(60); yield new Uint8Array(61); })());
  const day = b.usage()['2027-01-01']!;
  assert.deepEqual(day.calls, { 'put': 1, 'create-multipart': 1, 'upload-part': 4, 'complete-multipart': 1 });
  assert.equal(day.bytesUp, 221);
  assert.deepEqual(callsByClass(day.calls, B2_PRICES), { A: 7, B: 0, C: 0 });
});

test('metered: overwriting a known object and deleting one of unknown size are recorded as such', async () => {
  const inner = new MemoryBackend();
  await inner.put('h/config', new Uint8Array(50));
  const b = new MeteredBackend(inner, { now: () => new Date('2027-01-01T03:00:00Z') });
  await b.delete('h/config'); // never listed through b: size unknown, and no HEAD is spent to learn it
  await b.put('h/x', new Uint8Array(7));
  await b.put('h/x', new Uint8Array(9)); // on B2 the first version is now hidden and still billed
  const day = b.usage()['2027-01-01']!;
  assert.equal(day.deletesOfUnknownSize, 1);
  assert.equal(day.bytesDeleted, 7);
});

test('metered: usage() is a copy, addUsage sums day by day, measureStored totals a prefix', async () => {
  const b = new MeteredBackend(new MemoryBackend(), { now: () => new Date('2027-01-01T03:00:00Z') });
  await b.put('h/a', new Uint8Array(5));
  await b.put('h/b/c', new Uint8Array(6));
  await b.put('g/a', new Uint8Array(100));
  const first = b.usage();
  first['2027-01-01']!.bytesUp = -1;
  assert.equal(b.usage()['2027-01-01']!.bytesUp, 111);
  assert.deepEqual(await measureStored(b, 'h/'), { bytes: 11, objects: 2 });
  const sum = addUsage(b.usage(), { '2027-01-01': { calls: { put: 1 }, bytesUp: 1, bytesDown: 2, bytesDeleted: 3, deletesOfUnknownSize: 0 }, '2027-01-02': { calls: { get: 2 }, bytesUp: 0, bytesDown: 9, bytesDeleted: 0, deletesOfUnknownSize: 0 } });
  assert.deepEqual(sum['2027-01-01']!.calls, { put: 4, list: 1 });
  assert.equal(sum['2027-01-01']!.bytesUp, 112);
  assert.equal(sum['2027-01-02']!.bytesDown, 9);
});
