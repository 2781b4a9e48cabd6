import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepoIndex } from '../index/repo-index.ts';
import { planPacks, DEFAULT_PRUNE_POLICY } from './plan-prune.ts';

function id(n: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE((n * 2654435761) >>> 0, 0);
  b.writeUInt32LE(n, 4);
  return b;
}

test('each pack is kept, repacked or deleted, with its reason', () => {
  const index = new RepoIndex();
  const pack = (name: string, first: number, count: number, length: number) => index.addPack({
    id: name.repeat(64), size: count * length + 100,
    entries: Array.from({ length: count }, (_, i) => ({ id: id(first + i), offset: i * length, length, rawLength: length })),
  });
  pack('a', 0, 10, 1000);   // all used → keep
  pack('b', 100, 10, 1000); // 3 of 10 unused → repack
  pack('c', 200, 10, 1000); // unused → delete
  pack('d', 300, 1, 500);   // small
  pack('e', 400, 1, 500);   // small
  const used = new Uint8Array(index.table.capacity);
  const mark = (n: number) => { used[index.table.find(id(n))] = 1; };
  for (let i = 0; i < 10; i++) mark(i);
  for (let i = 100; i < 107; i++) mark(i);
  mark(300);
  mark(400);
  const decisions = planPacks(index, used, DEFAULT_PRUNE_POLICY, 10_000);
  assert.deepEqual(decisions.map((d) => d.action), ['keep', 'repack', 'delete', 'repack', 'repack']);
  assert.match(decisions[1]!.reason, /30 % unused/);
  assert.match(decisions[2]!.reason, /no kept backup point/);
  assert.match(decisions[3]!.reason, /small pack/);
  assert.equal(decisions[1]!.usedBytes, 7000);
});
