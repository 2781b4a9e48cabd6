// Deterministic randomness for the benchmark dataset: the same seed gives the same bytes on every
// machine. Bulk bytes are an AES-256-CTR keystream (fast, portable); choices come from mulberry32.
import { createCipheriv, createHash } from 'node:crypto';
import { seededRandom } from '../src/core/prng.ts';

/** Incompressible bytes: the AES-256-CTR keystream of `seed`. */
export function randomBytesOf(length: number, seed: string): Buffer {
  const key = createHash('sha256').update(`panther-bench:${seed}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** Choices from the project's seeded generator (src/core/prng.ts). */
export class Rng {
  #next: () => number;

  constructor(seed: string) {
    this.#next = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
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
