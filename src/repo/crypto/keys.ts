// Key hierarchy (docs/FORMAT.md §4): one random 32-byte master key per host repository, subkeys by
// HKDF-SHA-256 with distinct labels, and a fresh key per object from a random 16-byte salt. Only the
// master key is ever stored, and only inside an age-encrypted key file.
import { hkdfSync, randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;

export interface RepoKeys {
  /** HMAC-SHA-256 key for chunk ids. */
  chunkId: Buffer;
  /** Input key for per-object encryption keys. */
  objectRoot: Buffer;
  /** Seed of the chunker's gear table (docs/FORMAT.md §3.2). */
  gearSeed: Buffer;
}

export const LABELS = {
  chunkId: 'panther v1 chunk-id',
  objectRoot: 'panther v1 object-encryption',
  gearSeed: 'panther v1 gear',
  object: 'panther v1 object',
} as const;

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), 32));
}

export function newMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

export function deriveKeys(master: Uint8Array): RepoKeys {
  if (master.length !== MASTER_KEY_BYTES) throw new Error(`master key must be ${MASTER_KEY_BYTES} bytes`);
  const empty = new Uint8Array(0);
  return {
    chunkId: hkdf(master, empty, LABELS.chunkId),
    objectRoot: hkdf(master, empty, LABELS.objectRoot),
    gearSeed: hkdf(master, empty, LABELS.gearSeed),
  };
}

/** The AES-256-GCM key of one object: HKDF(objectRoot, salt, "panther v1 object"). */
export function objectKey(objectRoot: Uint8Array, salt: Uint8Array): Buffer {
  return hkdf(objectRoot, salt, LABELS.object);
}
