// Compress-then-seal: zstd when it makes the payload smaller (flag bit 0 set), raw otherwise, so
// incompressible data (already-compressed btrfs extents, encrypted files) costs no expansion.
import { constants, zstdCompressSync, zstdDecompress, zstdDecompressSync } from 'node:zlib';
import { promisify } from 'node:util';
import { Flag, open, seal, sealParts } from './envelope.ts';
import { withZstdFrame } from './zstd-frames.ts';
import type { ObjectTypeCode } from './envelope.ts';
import { release, releaseBacking } from '../../core/release.ts';

const zstdDecompressAsync = promisify(zstdDecompress);

/** Decompressed payloads above this are refused unless the caller knows the exact size. */
export const MAX_PAYLOAD = 1024 * 1024 * 1024;

function zstdOptions(level: number, size: number) {
  return {
    params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 0 },
    pledgedSrcSize: size,
    // One output slice for typical chunks: the default 16 KiB slices cost a copy each.
    chunkSize: Math.max(64 * 1024, Math.min(size + 1024, 16 * 1024 * 1024)),
  };
}

function pick(plain: Uint8Array, compressed: Uint8Array): { flags: number; body: Uint8Array } {
  return compressed.length < plain.length ? { flags: Flag.zstd, body: compressed } : { flags: 0, body: plain };
}

export function sealPayload(objectRoot: Uint8Array, type: ObjectTypeCode, plain: Uint8Array, level: number): Buffer {
  if (plain.length === 0) return seal(objectRoot, type, 0, plain);
  const compressed = zstdCompressSync(plain, zstdOptions(level, plain.length));
  const { flags, body } = pick(plain, compressed);
  const sealed = seal(objectRoot, type, flags, body);
  releaseBacking(compressed);
  return sealed;
}

/** Same as sealPayload, compressing on the libuv thread pool so the caller's thread keeps chunking. */
export async function sealPayloadAsync(objectRoot: Uint8Array, type: ObjectTypeCode, plain: Uint8Array, level: number): Promise<Buffer> {
  if (plain.length === 0) return seal(objectRoot, type, 0, plain);
  // The frame's slices are sealed straight from zlib's memory: no joined copy of them.
  return withZstdFrame(plain, level, (parts, length) => (length < plain.length
    ? sealParts(objectRoot, type, Flag.zstd, parts, length)
    : seal(objectRoot, type, 0, plain)));
}

function checkFlags(flags: number): void {
  if ((flags & ~Flag.zstd) !== 0) throw new Error(`unknown flags 0x${flags.toString(16)}`);
}

function checkSize(plain: Buffer, exactSize: number | undefined): Buffer {
  if (exactSize !== undefined && plain.length !== exactSize) {
    throw new Error(`payload is ${plain.length} bytes, expected ${exactSize}`);
  }
  return plain;
}

// With the exact size known, one output slice holds the whole payload: no copies into a concat.
// (+1: zstd must see room left to report the end of the frame within that slice.)
function unzstdOptions(exactSize: number | undefined) {
  return exactSize === undefined || exactSize === 0
    ? { maxOutputLength: exactSize ?? MAX_PAYLOAD }
    : { maxOutputLength: exactSize, chunkSize: Math.max(64, exactSize + 1) };
}

/** Opens and decompresses; `exactSize` (when known) bounds memory and is checked. */
export function openPayload(objectRoot: Uint8Array, type: ObjectTypeCode, bytes: Uint8Array, exactSize?: number): Buffer {
  const { flags, plaintext } = open(objectRoot, type, bytes);
  checkFlags(flags);
  if ((flags & Flag.zstd) === 0) return checkSize(plaintext, exactSize);
  try {
    return checkSize(zstdDecompressSync(plaintext, unzstdOptions(exactSize)), exactSize);
  } finally {
    // As openPayloadAsync: the decrypted frame is ours alone and dead once decompressed.
    release(plaintext);
  }
}

/**
 * Same as openPayload, decompressing on the libuv thread pool. AES-GCM stays here: at ~4 GB/s it
 * costs less than handing it over (measured: WebCrypto's copies and jobs cost more than they saved).
 * `bytes` is read only before this returns its promise: the caller may release it then.
 */
export async function openPayloadAsync(objectRoot: Uint8Array, type: ObjectTypeCode, bytes: Uint8Array, exactSize?: number): Promise<Buffer> {
  const { flags, plaintext } = open(objectRoot, type, bytes);
  checkFlags(flags);
  if ((flags & Flag.zstd) === 0) return checkSize(plaintext, exactSize);
  try {
    return checkSize(await zstdDecompressAsync(plaintext, unzstdOptions(exactSize)), exactSize);
  } finally {
    // The decrypted frame is ours alone and dead once decompressed: freed now, not at the next GC.
    release(plaintext);
  }
}
