// Encryption markers: byte strings taken from restored plaintext that must never appear in the
// repository's stored objects (every object is sealed, FORMAT.md §3.0). Pure: picking windows,
// judging them distinctive, and a streaming scanner. pick-markers.ts reads the tree, and
// scan-objects.ts reads the objects.
//
// A marker must be distinctive: a run of zeros or a short repeated pattern appears in any binary file
// (and by chance in ciphertext's neighbours), so finding it would prove nothing. High-entropy windows
// are preferred because they also survive compression: zstd stores an incompressible block raw, so
// a repository that compressed but forgot to encrypt would still show them. Text may be compressed
// beyond recognition; a found marker is proof, an absent one is evidence.

/** Content markers are this long (bytes); names are taken whole from 12 bytes up to NAME_MAX_BYTES. */
export const CONTENT_MARKER_BYTES = { min: 24, max: 48 } as const;
export const NAME_MIN_BYTES = 12;
export const NAME_MAX_BYTES = 64;

/** Shannon entropy in bits per byte of `bytes` (0 … 8; at most log2(length)). */
export function entropyBits(bytes: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const b of bytes) counts.set(b, (counts.get(b) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / bytes.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The smallest p with bytes[i] == bytes[i + p] for all i, if p ≤ length/2; else 0 (not periodic). */
export function shortPeriod(bytes: Uint8Array): number {
  for (let p = 1; p <= bytes.length / 2; p++) {
    let periodic = true;
    for (let i = 0; i + p < bytes.length && periodic; i++) if (bytes[i] !== bytes[i + p]) periodic = false;
    if (periodic) return p;
  }
  return 0;
}

/**
 * Distinctive enough to be a marker: at least 12 bytes, not a repetition of a pattern of at most half
 * its length, at least 6 different byte values (10 from 24 bytes on) and at least 2.5 bits of entropy
 * per byte. All zeros, "abababab…", a run of 0xff with one other byte: refused. Text and data: kept.
 */
export function isDistinctive(bytes: Uint8Array): boolean {
  if (bytes.length < NAME_MIN_BYTES) return false;
  const distinct = new Set(bytes).size;
  if (distinct < (bytes.length >= CONTENT_MARKER_BYTES.min ? 10 : 6)) return false;
  if (shortPeriod(bytes) !== 0) return false;
  return entropyBits(bytes) >= 2.5;
}

/**
 * A marker from a file's bytes (a region read at a chosen offset): of `tries` windows of a chosen
 * length at chosen offsets, the distinctive one with the most entropy; null when none is.
 */
export function chooseContentWindow(region: Uint8Array, random: () => number, tries = 8): Uint8Array | null {
  const { min, max } = CONTENT_MARKER_BYTES;
  if (region.length < min) return null;
  let best: Uint8Array | null = null;
  let bestBits = -1;
  for (let t = 0; t < tries; t++) {
    const length = Math.min(region.length, min + Math.floor(random() * (max - min + 1)));
    const at = Math.floor(random() * (region.length - length + 1));
    const window = region.subarray(at, at + length);
    if (!isDistinctive(window)) continue;
    const bits = entropyBits(window);
    if (bits > bestBits) { best = window; bestBits = bits; }
  }
  return best === null ? null : Uint8Array.from(best);
}

/** A file or directory name as a marker (btrfs send streams carry names in clear), or null. */
export function nameMarker(name: Uint8Array): Uint8Array | null {
  if (name.length < NAME_MIN_BYTES) return null;
  const marker = name.subarray(0, NAME_MAX_BYTES);
  return isDistinctive(marker) ? Uint8Array.from(marker) : null;
}

/**
 * Finds which markers occur in a byte stream fed in chunks of any size, with bounded memory: the last
 * (longest marker − 1) bytes are kept, so a marker split across chunks is found. A search is
 * Buffer.indexOf per marker over each chunk, plus over the seam (kept tail + the chunk's head).
 */
export class MarkerScanner {
  readonly #markers: Buffer[];
  readonly #overlap: number;
  #tail: Buffer = Buffer.alloc(0);
  readonly #found = new Set<number>();

  constructor(markers: readonly Uint8Array[]) {
    if (markers.some((m) => m.length === 0)) throw new RangeError('a marker may not be empty');
    this.#markers = markers.map((m) => Buffer.from(m));
    this.#overlap = Math.max(1, ...this.#markers.map((m) => m.length)) - 1;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.#found.size === this.#markers.length) return;
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#tail.length > 0) {
      const seam = Buffer.concat([this.#tail, data.subarray(0, this.#overlap)]);
      this.#search(seam);
    }
    this.#search(data);
    if (this.#overlap === 0) return;
    this.#tail = data.length >= this.#overlap
      ? Buffer.from(data.subarray(data.length - this.#overlap))
      : Buffer.concat([this.#tail, data]).subarray(-this.#overlap);
  }

  /** Starts a new object: a marker may not span two objects. */
  reset(): void {
    this.#tail = Buffer.alloc(0);
  }

  /** Indices (into the markers given) of the markers seen so far, ascending. */
  found(): number[] {
    return [...this.#found].sort((x, y) => x - y);
  }

  get allFound(): boolean {
    return this.#found.size === this.#markers.length;
  }

  #search(data: Buffer): void {
    this.#markers.forEach((marker, i) => {
      if (!this.#found.has(i) && data.indexOf(marker) >= 0) this.#found.add(i);
    });
  }
}

/** Which markers occur in `source` (indices, ascending). */
export async function scanForMarkers(markers: readonly Uint8Array[], source: AsyncIterable<Uint8Array>): Promise<number[]> {
  const scanner = new MarkerScanner(markers);
  for await (const chunk of source) {
    scanner.push(chunk);
    if (scanner.allFound) break;
  }
  return scanner.found();
}
