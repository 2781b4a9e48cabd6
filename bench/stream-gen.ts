// Writes a deterministic synthetic stream of N bytes to stdout for the RSS check: per 4 MiB block,
// one in three incompressible, the others low-entropy (zstd keeps about a third), no two alike.
//   node bench/stream-gen.ts BYTES
import { once } from 'node:events';
import { randomBytesOf } from './prng.ts';

const BLOCK = 4 * 1024 * 1024;
const total = Number(process.argv[2]);
if (!Number.isSafeInteger(total) || total <= 0) throw new Error('stream-gen: give the stream size in bytes');

for (let i = 0, at = 0; at < total; i++, at += BLOCK) {
  const block = randomBytesOf(Math.min(BLOCK, total - at), `stream:${i}`);
  if (i % 3 !== 0) {
    const words = new Uint32Array(block.buffer, block.byteOffset, Math.floor(block.length / 4));
    for (let k = 0; k < words.length; k++) words[k] = words[k]! & 0x03030303;
  }
  if (!process.stdout.write(block)) await once(process.stdout, 'drain');
}
