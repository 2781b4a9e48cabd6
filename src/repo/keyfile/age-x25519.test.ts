// The node:crypto reader of age files for an X25519 identity against age-encryption, the reference:
// whatever it answers (a plaintext, or "not for this identity") age-encryption answers the same, for
// good files of every size, files for other keys, and every one-byte change and cut of a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { identityScalar, openAgeX25519 } from './age-x25519.ts';

async function seal(plain: string | Uint8Array, recipients: string[]): Promise<Uint8Array> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(plain);
}

/** age-encryption's answer: the plaintext, null for "no identity matched", or the error message. */
async function reference(file: Uint8Array, identity: string): Promise<Buffer | null | string> {
  const d = new Decrypter();
  d.addIdentity(identity);
  try {
    return Buffer.from(await d.decrypt(file));
  } catch (error) {
    return /no identity matched/.test((error as Error).message) ? null : (error as Error).message;
  }
}

async function agrees(file: Uint8Array, identity: string, what: string): Promise<'opened' | 'none' | 'deferred'> {
  const mine = openAgeX25519(file, identity);
  if (mine === undefined) return 'deferred';
  const theirs = await reference(file, identity);
  if (mine === null) assert.equal(theirs, null, `${what}: said not for this identity, age-encryption: ${String(theirs)}`);
  else assert.deepEqual(theirs, mine, `${what}: opened, age-encryption did not agree`);
  return mine === null ? 'none' : 'opened';
}

test('files for this identity open to the same plaintext as with age-encryption, at every chunk boundary', async () => {
  const identity = await generateIdentity();
  const other = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  for (const size of [0, 1, 200, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 2 * 64 * 1024, 150_000]) {
    const plain = Buffer.alloc(size, 7);
    for (const recipients of [[recipient], [await identityToRecipient(other), recipient]]) {
      const file = await seal(plain, recipients);
      assert.equal(await agrees(file, identity, `${size} bytes`), 'opened');
      assert.deepEqual(openAgeX25519(file, identity), plain);
    }
  }
});

test('a file for other keys or a passphrase is not for this identity, as age-encryption says', async () => {
  const identity = await generateIdentity();
  const file = await seal('x', [await identityToRecipient(await generateIdentity())]);
  assert.equal(await agrees(file, identity, 'other recipient'), 'none');
  const e = new Encrypter();
  e.setScryptWorkFactor(10);
  e.setPassphrase('pw');
  assert.equal(await agrees(await e.encrypt('x'), identity, 'passphrase file'), 'none');
});

test('every one-byte change and every cut of a key file: never an answer age-encryption would not give', async () => {
  const identity = await generateIdentity();
  const file = await seal('{"format":"panther-key"}\n', [await identityToRecipient(await generateIdentity()), await identityToRecipient(identity)]);
  const seen = { opened: 0, none: 0, deferred: 0 };
  for (let i = 0; i < file.length; i++) {
    for (const mask of [0x01, 0x20, 0x80]) {
      const bad = Uint8Array.from(file);
      bad[i]! ^= mask;
      seen[await agrees(bad, identity, `byte ${i} ^ ${mask}`)] += 1;
    }
  }
  for (let n = 0; n < file.length; n++) seen[await agrees(file.subarray(0, n), identity, `cut at ${n}`)] += 1;
  assert.ok(seen.deferred > file.length, `most damage must be left to age-encryption: ${JSON.stringify(seen)}`);
});

test('identities: the bech32 form age writes, and nothing else', async () => {
  const identity = await generateIdentity();
  assert.equal(identityScalar(identity)?.length, 32);
  assert.equal(identityScalar(identity.toLowerCase()), undefined, 'age identities are upper-case');
  assert.equal(identityScalar(`${identity.slice(0, -1)}${identity.endsWith('Q') ? 'P' : 'Q'}`), undefined, 'a bad checksum');
  assert.equal(identityScalar('AGE-SECRET-KEY-1'), undefined);
  assert.equal(openAgeX25519(await seal('x', [await identityToRecipient(identity)]), 'AGE-PLUGIN-FOO-1XYZ'), undefined, 'left to age-encryption');
});
