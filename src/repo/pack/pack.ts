// Packs (docs/FORMAT.md §3.4): many sealed blobs in one object, so B2 sees few large PUTs instead
// of one request per chunk. Layout: BLOB* || TRAILER || u32le(trailer length). The trailer is a
// sealed list of (chunk id, offset, length, raw length); the index normally answers where a blob
// is, the trailer lets a lost or damaged index be rebuilt from the packs alone. It sits at the end
// because the pack is written front to back (restic puts its pack header at the end for the same
// reason).
import { createHash } from 'node:crypto';
import { ObjectType, seal, open } from '../crypto/envelope.ts';

export const TRAILER_ENTRY_BYTES = 44;
export const LENGTH_FIELD_BYTES = 4;

export interface PackEntry {
  id: Buffer;
  offset: number;
  length: number;
  rawLength: number;
}

export interface FinishedPack {
  id: string;
  /** The pack's bytes in order; without the blobs when the builder did not keep them. */
  parts: Buffer[];
  size: number;
  entries: PackEntry[];
}

export class PackBuilder {
  readonly #parts: Buffer[] = [];
  readonly #keepBlobs: boolean;
  readonly #entries: PackEntry[] = [];
  readonly #hash = createHash('sha256');
  #size = 0;

  /**
   * keepBlobs false: the caller writes each blob out itself as it adds it (a staged put) and
   * finish's parts are only the trailer and its length.
   */
  constructor(keepBlobs = true) {
    this.#keepBlobs = keepBlobs;
  }

  get size(): number { return this.#size; }
  get count(): number { return this.#entries.length; }

  /** Appends a sealed blob; returns where it landed. */
  add(id: Buffer, sealed: Buffer, rawLength: number): PackEntry {
    const entry = { id, offset: this.#size, length: sealed.length, rawLength };
    if (this.#keepBlobs) this.#parts.push(sealed);
    this.#hash.update(sealed);
    this.#entries.push(entry);
    this.#size += sealed.length;
    return entry;
  }

  finish(objectRoot: Uint8Array): FinishedPack {
    const trailer = seal(objectRoot, ObjectType.packTrailer, 0, encodeTrailer(this.#entries));
    const length = Buffer.alloc(LENGTH_FIELD_BYTES);
    length.writeUInt32LE(trailer.length);
    this.#hash.update(trailer).update(length);
    const parts = [...this.#parts, trailer, length];
    return { id: this.#hash.digest('hex'), parts, size: this.#size + trailer.length + LENGTH_FIELD_BYTES, entries: this.#entries };
  }
}

export function encodeTrailer(entries: readonly PackEntry[]): Buffer {
  const out = Buffer.allocUnsafe(entries.length * TRAILER_ENTRY_BYTES);
  entries.forEach((e, i) => {
    const at = i * TRAILER_ENTRY_BYTES;
    e.id.copy(out, at);
    out.writeUInt32LE(e.offset, at + 32);
    out.writeUInt32LE(e.length, at + 36);
    out.writeUInt32LE(e.rawLength, at + 40);
  });
  return out;
}

export function decodeTrailer(plain: Buffer): PackEntry[] {
  if (plain.length % TRAILER_ENTRY_BYTES !== 0) throw new Error(`trailer of ${plain.length} bytes is not a whole number of entries`);
  const entries: PackEntry[] = [];
  for (let at = 0; at < plain.length; at += TRAILER_ENTRY_BYTES) {
    entries.push({
      id: Buffer.from(plain.subarray(at, at + 32)),
      offset: plain.readUInt32LE(at + 32),
      length: plain.readUInt32LE(at + 36),
      rawLength: plain.readUInt32LE(at + 40),
    });
  }
  return entries;
}

/** Reads the trailer of a whole pack held in memory; checks every entry lies before it. */
export function readTrailer(objectRoot: Uint8Array, pack: Uint8Array): PackEntry[] {
  const buf = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength);
  if (buf.length < LENGTH_FIELD_BYTES) throw new Error('pack is too short to hold a trailer');
  const trailerLength = buf.readUInt32LE(buf.length - LENGTH_FIELD_BYTES);
  const trailerStart = buf.length - LENGTH_FIELD_BYTES - trailerLength;
  if (trailerStart < 0) throw new Error(`trailer length ${trailerLength} exceeds the pack`);
  return openTrailer(objectRoot, buf.subarray(trailerStart, buf.length - LENGTH_FIELD_BYTES), trailerStart);
}

/** Opens a trailer envelope that starts at `trailerStart` of its pack; checks every entry lies before it. */
export function openTrailer(objectRoot: Uint8Array, sealed: Uint8Array, trailerStart: number): PackEntry[] {
  const entries = decodeTrailer(open(objectRoot, ObjectType.packTrailer, sealed).plaintext);
  for (const e of entries) {
    if (e.offset + e.length > trailerStart) throw new Error(`trailer entry at ${e.offset}+${e.length} overlaps the trailer`);
  }
  return entries;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
