// The one seeded generator (mulberry32) for every reproducible random choice: fault injection, lock
// schedules, kill timings, the benchmark's dataset. Tiny and fast; never for anything secret.
import { createHash } from 'node:crypto';

/**
 * Uniform numbers in [0, 1) from a seed; the same seed always gives the same sequence. A string seed
 * is hashed first (SHA-256), so any text names a sequence.
 */
export function seededRandom(seed: number | string): () => number {
  let a = typeof seed === 'number' ? seed >>> 0 : createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
