// A blob is one chunk of a stream, compressed (when that helps) and sealed on its own, so a ranged
// GET of exactly its bytes is enough to restore it. Its id is HMAC-SHA-256(chunk-id key, plaintext):
// keyed, so ids reveal nothing about content to someone without the key (no confirmation of known
// files by hash), and verifiable after decryption.
import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { ObjectType } from '../crypto/envelope.ts';
import { openPayload, openPayloadAsync, sealPayloadAsync } from '../crypto/sealed.ts';
import type { RepoKeys } from '../crypto/keys.ts';

export const CHUNK_ID_BYTES = 32;

export function chunkId(keys: RepoKeys, plain: Uint8Array): Buffer {
  return createHmac('sha256', keys.chunkId).update(plain).digest();
}

export function sealBlob(keys: RepoKeys, plain: Uint8Array, level: number): Promise<Buffer> {
  return sealPayloadAsync(keys.objectRoot, ObjectType.blob, plain, level);
}

function assertId(actual: Uint8Array, id: Uint8Array): void {
  if (actual.length !== id.length || !timingSafeEqual(actual, id)) {
    throw new Error(`content does not match chunk id ${Buffer.from(id).toString('hex').slice(0, 16)}…`);
  }
}

/** Opens a sealed blob and proves it is the chunk `id`; throws with the reason otherwise. */
export function openBlob(keys: RepoKeys, sealed: Uint8Array, id: Uint8Array, rawLength?: number): Buffer {
  const plain = openPayload(keys.objectRoot, ObjectType.blob, sealed, rawLength);
  assertId(chunkId(keys, plain), id);
  return plain;
}

/**
 * openBlob with the same checks and errors, decompressing and checking the id on the libuv thread
 * pool: restore opens several blobs at once while its own thread hashes the whole stream and feeds
 * the consumer. `sealed` is read (decrypted) before this returns its promise: the caller may free it
 * then. The plaintext returned is the caller's alone.
 */
export async function openBlobAsync(keys: RepoKeys, sealed: Uint8Array, id: Uint8Array, rawLength?: number): Promise<Buffer> {
  const plain = await openPayloadAsync(keys.objectRoot, ObjectType.blob, sealed, rawLength);
  // WebCrypto's HMAC runs on the pool (node:crypto's Hmac only here): the id check was ~a third of
  // this thread's time in a restore, as much as the whole stream's SHA-256 that must stay here.
  // Measured on 2 cores: the copy WebCrypto makes of the chunk costs far less than it moves away.
  assertId(new Uint8Array(await webcrypto.subtle.sign('HMAC', await hmacKey(keys), plain)), id);
  return plain;
}

// One imported key per repository's keys (importing costs a job of its own).
const hmacKeys = new WeakMap<RepoKeys, Promise<webcrypto.CryptoKey>>();
function hmacKey(keys: RepoKeys): Promise<webcrypto.CryptoKey> {
  let key = hmacKeys.get(keys);
  if (key === undefined) {
    key = webcrypto.subtle.importKey('raw', keys.chunkId, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(keys, key);
  }
  return key;
}
