import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveKeys, newMasterKey } from '../crypto/keys.ts';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';
import { chunkId, openBlob, openBlobAsync, sealBlob } from './blob.ts';

const keys = deriveKeys(newMasterKey());

/** What an open gives: the bytes, or the error's message. Both opens must agree on every case. */
async function both(sealed: Uint8Array, id: Uint8Array, rawLength?: number): Promise<[string, string]> {
  let sync: string;
  try { sync = openBlob(keys, sealed, id, rawLength).toString('hex'); } catch (error) { sync = `error: ${(error as Error).message}`; }
  let async_: string;
  try { async_ = (await openBlobAsync(keys, sealed, id, rawLength)).toString('hex'); } catch (error) { async_ = `error: ${(error as Error).message}`; }
  return [sync, async_];
}

for (const [kind, plain] of [['compressed', compressible(300_000, 'blob')], ['stored raw', pseudoRandom(300_000, 'blob')], ['tiny', Buffer.from('x')]] as const) {
  test(`openBlobAsync opens a ${kind} blob exactly as openBlob, and fails the same way on every damage`, async () => {
    const sealed = await sealBlob(keys, plain, 3);
    const id = chunkId(keys, plain);
    const [sync, async_] = await both(sealed, id, plain.length);
    assert.equal(async_, sync);
    assert.equal(async_, plain.toString('hex'));

    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 20] = flipped[flipped.length - 20]! ^ 0x01;
    const otherId = chunkId(keys, Buffer.from('other'));
    const cases: Array<[string, Uint8Array, Uint8Array, number | undefined, RegExp]> = [
      ['a flipped byte', flipped, id, plain.length, /authentication failed/],
      ['another chunk\'s id', sealed, otherId, plain.length, /content does not match chunk id/],
      ['a recorded size too small', sealed, id, plain.length - 1, /larger than|expected/],
      ['a recorded size too large', sealed, id, plain.length + 1, /expected/],
      ['a truncated envelope', sealed.subarray(0, 40), id, plain.length, /too short/],
    ];
    for (const [what, bytes, expectId, size, message] of cases) {
      const [s, a] = await both(bytes, expectId, size);
      assert.equal(a, s, what);
      assert.match(a, message, what);
    }
  });
}
