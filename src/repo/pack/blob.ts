// A blob is one chunk of a stream, compressed (when that helps) and sealed on its own, so a ranged
// GET of exactly its bytes is enough to restore it. Its id is HMAC-SHA-256(chunk-id key, plaintext):
// keyed, so ids reveal nothing about content to someone without the key (no confirmation of known
// files by hash), and verifiable after decryption.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ObjectType } from '../crypto/envelope.ts';
import { openPayload, sealPayloadAsync } from '../crypto/sealed.ts';
import type { RepoKeys } from '../crypto/keys.ts';

export const CHUNK_ID_BYTES = 32;

export function chunkId(keys: RepoKeys, plain: Uint8Array): Buffer {
  return createHmac('sha256', keys.chunkId).update(plain).digest();
}

export function sealBlob(keys: RepoKeys, plain: Uint8Array, level: number): Promise<Buffer> {
  return sealPayloadAsync(keys.objectRoot, ObjectType.blob, plain, level);
}

/** Opens a sealed blob and proves it is the chunk `id`; throws with the reason otherwise. */
export function openBlob(keys: RepoKeys, sealed: Uint8Array, id: Uint8Array, rawLength?: number): Buffer {
  const plain = openPayload(keys.objectRoot, ObjectType.blob, sealed, rawLength);
  const actual = chunkId(keys, plain);
  if (actual.length !== id.length || !timingSafeEqual(actual, id)) {
    throw new Error(`content does not match chunk id ${Buffer.from(id).toString('hex').slice(0, 16)}…`);
  }
  return plain;
}
