// Test data: reproducible pseudo-random bytes (AES-256-CTR keystream of a seed), fast enough for
// hundreds of MiB, and streams of it in reads of varying size like a pipe delivers.
import { createCipheriv, createHash } from 'node:crypto';

export function pseudoRandom(length: number, seed: number | string): Buffer {
  const key = createHash('sha256').update(`panther-test:${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(length));
}

/** Text-like data that zstd shrinks to roughly a third. */
export function compressible(length: number, seed: number | string): Buffer {
  const words = pseudoRandom(4096, `words:${seed}`).toString('base64').match(/.{1,7}/g) ?? ['x'];
  const noise = pseudoRandom(Math.ceil(length / 2), `noise:${seed}`);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  let i = 0;
  while (at < length) {
    const word = words[noise[i % noise.length]! % words.length]!;
    at += out.write(`${word} `, at, 'latin1');
    i++;
  }
  return out;
}

/** Yields `data` in slices of 1..maxRead bytes (deterministic sizes). */
export async function* inReads(data: Uint8Array, maxRead = 65_536, seed = 1): AsyncGenerator<Uint8Array> {
  const sizes = pseudoRandom(4096, `reads:${seed}`);
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = 1 + (sizes.readUInt16LE((i * 2) % 4094) % maxRead);
    yield data.subarray(at, at + size);
    at += size;
    i++;
  }
}

export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}
