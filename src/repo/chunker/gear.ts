// The gear table of the content-defined chunker: G[i] = first 4 bytes, little-endian, of
// SHA-256(seed || byte i), for i = 0..255. The seed is derived from the master key, so chunk
// boundaries (and hence blob sizes, which an observer of the bucket can see) differ between
// repositories and cannot be predicted for known content (docs/FORMAT.md §3.2, borg does the same).
import { createHash } from 'node:crypto';

export function gearTable(seed: Uint8Array): Int32Array {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const digest = createHash('sha256').update(seed).update(Uint8Array.of(i)).digest();
    table[i] = digest.readInt32LE(0);
  }
  return table;
}
