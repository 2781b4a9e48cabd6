// Key files (docs/FORMAT.md §4.2): a standard age file whose plaintext is a small JSON holding the
// master key. Anyone with the passphrase or identity can open it with the age CLI:
//   age -d -o key.json <host>/keys/<id>            (passphrase, asked on the terminal)
//   age -d -i identity.txt -o key.json <host>/keys/<id>
// One file per passphrase or recipient, so one of them can be revoked by deleting its file.
//
// age-encryption is loaded only to make a key file and to open one that age-x25519.ts cannot: a run
// that opens a repository with an identity file needs neither (loading it cost more than the rest of
// opening the repository).
import { openAgeX25519 } from './age-x25519.ts';

export const KEY_FORMAT = 'panther-key';
export const KEY_VERSION = 1;
/** age's own default; scrypt at 2^18 takes ~2–4 s, the price of resisting offline guessing. */
export const DEFAULT_SCRYPT_LOG_N = 18;

export interface KeyFileContent {
  format: typeof KEY_FORMAT;
  version: typeof KEY_VERSION;
  repository: string;
  host: string;
  created: string;
  /** 32 bytes, base64. */
  masterKey: string;
}

export type Wrapping = { passphrase: string; scryptLogN?: number } | { recipient: string };
export type Unwrapping = { passphrase: string } | { identity: string };

export type KeyKind = 'passphrase' | 'x25519' | 'other';

export async function wrapKey(content: KeyFileContent, wrapping: Wrapping): Promise<Uint8Array> {
  const { Encrypter } = await import('age-encryption');
  const encrypter = new Encrypter();
  if ('passphrase' in wrapping) {
    encrypter.setScryptWorkFactor(wrapping.scryptLogN ?? DEFAULT_SCRYPT_LOG_N);
    encrypter.setPassphrase(wrapping.passphrase);
  } else {
    encrypter.addRecipient(wrapping.recipient);
  }
  return encrypter.encrypt(`${JSON.stringify(content, null, 2)}\n`);
}

/** The kind of stanza in an age header, read without any key (age headers are plain text). */
export function keyKind(file: Uint8Array): KeyKind {
  const head = Buffer.from(file.subarray(0, 512)).toString('latin1');
  if (!head.startsWith('age-encryption.org/v1\n')) return 'other';
  const stanza = /\n-> (\S+)/.exec(head)?.[1];
  if (stanza === 'scrypt') return 'passphrase';
  if (stanza === 'X25519') return 'x25519';
  return 'other';
}

export class KeyFileDamaged extends Error {}

/**
 * The key file's content, or null when this passphrase/identity is not one it was made for.
 * Throws KeyFileDamaged when the file matched but its header MAC, payload or JSON is bad.
 */
export async function unwrapKey(file: Uint8Array, unwrapping: Unwrapping): Promise<KeyFileContent | null> {
  const native = 'identity' in unwrapping ? openAgeX25519(file, unwrapping.identity) : undefined;
  if (native === null) return null;
  const text = native === undefined ? await decrypt(file, unwrapping) : native.toString('utf8');
  return parseContent(text);
}

/** The plaintext through age-encryption; null when the file is not for this key. */
async function decrypt(file: Uint8Array, unwrapping: Unwrapping): Promise<string | null> {
  const { Decrypter } = await import('age-encryption');
  const decrypter = new Decrypter();
  if ('passphrase' in unwrapping) decrypter.addPassphrase(unwrapping.passphrase);
  else decrypter.addIdentity(unwrapping.identity);
  try {
    return await decrypter.decrypt(file, 'text');
  } catch (error) {
    const message = (error as Error).message;
    if (/no identity matched/.test(message)) return null;
    if (/unrecognized identity type|invalid identity/.test(message)) throw error;
    throw new KeyFileDamaged(message);
  }
}

function parseContent(text: string | null): KeyFileContent | null {
  if (text === null) return null;
  let content: KeyFileContent;
  try {
    content = JSON.parse(text) as KeyFileContent;
  } catch {
    throw new KeyFileDamaged('plaintext is not JSON');
  }
  if (content.format !== KEY_FORMAT || content.version !== KEY_VERSION || typeof content.masterKey !== 'string'
    || Buffer.from(content.masterKey, 'base64').length !== 32) {
    throw new KeyFileDamaged('plaintext is not a Panther key');
  }
  return content;
}
