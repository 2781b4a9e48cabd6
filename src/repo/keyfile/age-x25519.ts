// Opening an age file for an X25519 identity with node:crypto alone (age's spec:
// https://age-encryption.org/v1). Every run that opens a repository with an identity file opens its
// key file, and loading the age-encryption package for that (its curves, hashes and web streams,
// which bring up Node's fetch) took longer than everything else about opening. This reads the one
// case it needs, a well-formed file for this identity, and answers nothing in every other case
// (undefined): key-file.ts then asks age-encryption, which keeps the last word on every error.
// age-x25519.test.ts holds the two to the same answers.
import { createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const HRP = 'age-secret-key-';
const CHUNK = 64 * 1024;
const TAG = 16;

function polymod(values: readonly number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if (((top >>> i) & 1) === 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** The 32-byte scalar of an AGE-SECRET-KEY-1… identity, or undefined. */
export function identityScalar(identity: string): Buffer | undefined {
  if (!identity.startsWith('AGE-SECRET-KEY-1') || identity !== identity.toUpperCase()) return undefined;
  const s = identity.toLowerCase();
  const data: number[] = [];
  for (const c of s.slice(HRP.length + 1)) {
    const v = BECH32.indexOf(c);
    if (v < 0) return undefined;
    data.push(v);
  }
  if (data.length < 6) return undefined;
  const expanded = [...[...HRP].map((c) => c.charCodeAt(0) >> 5), 0, ...[...HRP].map((c) => c.charCodeAt(0) & 31)];
  if (polymod([...expanded, ...data]) !== 1) return undefined;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const v of data.slice(0, -6)) {
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0 || bytes.length !== 32) return undefined;
  return Buffer.from(bytes);
}

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

function privateKey(scalar: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, scalar]), format: 'der', type: 'pkcs8' });
}

function rawPublic(key: KeyObject): Buffer {
  return (createPublicKey(key).export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_X25519.length);
}

/** Strict unpadded standard base64, as age writes it; undefined for anything else. */
function base64NoPad(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes : undefined;
}

function chacha(key: Uint8Array, nonce: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG) return undefined;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
  } catch {
    return undefined;
  }
}

interface Stanza { args: string[]; body: Buffer }

/** The header's stanzas, the bytes its MAC covers, its MAC and where the payload starts; undefined if not well-formed. */
function parseHeader(file: Buffer): { stanzas: Stanza[]; covered: Buffer; mac: Buffer; end: number } | undefined {
  let at = 0;
  const line = (): string | undefined => {
    const nl = file.indexOf(0x0a, at);
    if (nl < 0 || nl - at > 1024) return undefined;
    const text = file.subarray(at, nl).toString('latin1');
    at = nl + 1;
    return /^[\x20-\x7e]*$/.test(text) ? text : undefined;
  };
  if (line() !== 'age-encryption.org/v1') return undefined;
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = at;
    const next = line();
    if (next === undefined) return undefined;
    if (next.startsWith('--- ')) {
      const mac = base64NoPad(next.slice(4));
      if (mac === undefined || mac.length !== 32) return undefined;
      return { stanzas, covered: file.subarray(0, start + 3), mac, end: at };
    }
    if (!next.startsWith('-> ')) return undefined;
    const args = next.slice(3).split(' ');
    if (args.some((a) => a.length === 0)) return undefined;
    const body: Buffer[] = [];
    for (;;) {
      const b = line();
      if (b === undefined || b.length > 64) return undefined;
      const bytes = base64NoPad(b);
      if (bytes === undefined) return undefined;
      body.push(bytes);
      if (b.length < 64) break;
    }
    stanzas.push({ args, body: Buffer.concat(body) });
  }
}

/**
 * The plaintext of an age file made for this X25519 identity; null when the file is well-formed and
 * none of its X25519 stanzas is for this identity; undefined when this reader cannot say (anything
 * malformed, damaged or unusual): then age-encryption must decide.
 */
export function openAgeX25519(file: Uint8Array, identity: string): Buffer | null | undefined {
  const scalar = identityScalar(identity);
  if (scalar === undefined) return undefined;
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const header = parseHeader(bytes);
  if (header === undefined) return undefined;
  let ours: KeyObject;
  let recipient: Buffer;
  try {
    ours = privateKey(scalar);
    recipient = rawPublic(ours);
  } catch {
    return undefined;
  }
  let fileKey: Buffer | undefined;
  for (const s of header.stanzas) {
    if (s.args[0] !== 'X25519') continue;
    if (s.args.length !== 2 || s.body.length !== 32) return undefined;
    const share = base64NoPad(s.args[1]!);
    if (share === undefined || share.length !== 32) return undefined;
    let secret: Buffer;
    try {
      secret = diffieHellman({ privateKey: ours, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, share]), format: 'der', type: 'spki' }) });
    } catch {
      return undefined;
    }
    if (secret.every((b) => b === 0)) return undefined;
    const wrap = hkdfSync('sha256', secret, Buffer.concat([share, recipient]), 'age-encryption.org/v1/X25519', 32);
    fileKey = chacha(new Uint8Array(wrap), Buffer.alloc(12), s.body);
    if (fileKey !== undefined) break;
  }
  if (fileKey === undefined) return null;
  const macKey = new Uint8Array(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  const mac = createHmac('sha256', macKey).update(header.covered).digest();
  if (!timingSafeEqual(mac, header.mac)) return undefined;
  const nonce = bytes.subarray(header.end, header.end + 16);
  if (nonce.length !== 16) return undefined;
  const key = new Uint8Array(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  const out: Buffer[] = [];
  let at = header.end + 16;
  for (let counter = 0; ; counter++) {
    const chunk = bytes.subarray(at, at + CHUNK + TAG);
    at += chunk.length;
    const last = at === bytes.length;
    if (chunk.length === 0 || (!last && chunk.length !== CHUNK + TAG)) return undefined;
    const iv = Buffer.alloc(12);
    iv.writeUIntBE(counter, 5, 6);
    iv[11] = last ? 1 : 0;
    const plain = chacha(key, iv, chunk);
    // age refuses an empty last chunk after a full one, and a full chunk marked last only at the end.
    if (plain === undefined || (last && plain.length === 0 && counter > 0)) return undefined;
    out.push(plain);
    if (last) return Buffer.concat(out);
  }
}
