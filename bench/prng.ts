// Deterministic randomness for the benchmark dataset: the same seed gives the same bytes on every
// machine. Bulk bytes are an AES-256-CTR keystream (fast, portable); choices come from mulberry32.
import { createCipheriv, createHash } from 'node:crypto';

/** Incompressible bytes: the AES-256-CTR keystream of `seed`. */
export function randomBytesOf(length: number, seed: string): Buffer {
  const key = createHash('sha256').update(`panther-bench:${seed}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** A small seeded generator for choices (mulberry32). */
export class Rng {
  #state: number;

  constructor(seed: string) {
    this.#state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `count` distinct integers from [0, n), in ascending order. */
  sample(n: number, count: number): number[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, n)) chosen.add(Math.floor(this.next() * n));
    return [...chosen].sort((a, b) => a - b);
  }
}
