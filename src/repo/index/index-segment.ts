// Index segments (docs/FORMAT.md §3.5): which blobs each pack holds. Binary, because a JSON entry
// costs ~3× the bytes and a 1 TB repository has a million of them. Plaintext layout, little-endian:
//   u32 packCount, then per pack: packId[32] | packSize u32 | entryCount u32 | entry*
//   entry = chunkId[32] | offset u32 | length u32 | rawLength u32          (44 bytes)
import { ObjectType } from '../crypto/envelope.ts';
import { openPayload, sealPayload } from '../crypto/sealed.ts';
import type { PackEntry } from '../pack/pack.ts';
import { TRAILER_ENTRY_BYTES, decodeTrailer, encodeTrailer } from '../pack/pack.ts';

export interface IndexedPack {
  id: string;
  size: number;
  entries: PackEntry[];
}

export function encodeSegment(packs: readonly IndexedPack[]): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32LE(packs.length);
  parts.push(count);
  for (const pack of packs) {
    const head = Buffer.alloc(40);
    Buffer.from(pack.id, 'hex').copy(head, 0);
    head.writeUInt32LE(pack.size, 32);
    head.writeUInt32LE(pack.entries.length, 36);
    parts.push(head, encodeTrailer(pack.entries));
  }
  return Buffer.concat(parts);
}

export function decodeSegment(plain: Buffer): IndexedPack[] {
  const packs: IndexedPack[] = [];
  if (plain.length < 4) throw new Error('index segment is too short');
  const count = plain.readUInt32LE(0);
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 40 > plain.length) throw new Error(`index segment ends inside pack record ${i}`);
    const id = plain.subarray(at, at + 32).toString('hex');
    const size = plain.readUInt32LE(at + 32);
    const entries = plain.readUInt32LE(at + 36);
    at += 40;
    const end = at + entries * TRAILER_ENTRY_BYTES;
    if (end > plain.length) throw new Error(`index segment ends inside the entries of pack ${id}`);
    packs.push({ id, size, entries: decodeTrailer(plain.subarray(at, end)) });
    at = end;
  }
  if (at !== plain.length) throw new Error(`index segment has ${plain.length - at} trailing bytes`);
  return packs;
}

export function sealSegment(objectRoot: Uint8Array, packs: readonly IndexedPack[], level: number): Buffer {
  return sealPayload(objectRoot, ObjectType.index, encodeSegment(packs), level);
}

export function openSegment(objectRoot: Uint8Array, bytes: Uint8Array): IndexedPack[] {
  return decodeSegment(openPayload(objectRoot, ObjectType.index, bytes));
}
