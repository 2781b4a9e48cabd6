import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { MemoryBackend } from '../backend/memory.ts';
import { initRepository, openRepository } from '../repository.ts';
import { HOST, PASSPHRASE, SMALL_PARAMS, backupBytes, makeRepo, objectNames, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';

test('an X25519 recipient added later opens the same repository; keys list and remove', async () => {
  const { repo, backend } = await makeRepo();
  const data = pseudoRandom(200_000, 1);
  const stored = await backupBytes(repo, data);
  const identity = await generateIdentity();
  const recipientKey = await repo.keys.add({ recipient: await identityToRecipient(identity) });

  const byIdentity = await openRepository(backend, { host: HOST, identity: { identity } });
  assert.equal(byIdentity.keys.currentId, recipientKey);
  assert.deepEqual(await restoreBytes(byIdentity, stored.manifestId), data);

  const listed = await byIdentity.keys.list();
  assert.deepEqual(listed.map((k) => k.kind).sort(), ['passphrase', 'x25519']);
  assert.ok(listed.every((k) => k.intact));
  assert.equal(listed.find((k) => k.current)?.id, recipientKey);

  const passphraseKey = repo.keys.currentId;
  await assert.rejects(repo.keys.remove(passphraseKey), { code: 'current-key', exitCode: 3 });
  await byIdentity.keys.remove(passphraseKey);
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } }), { code: 'wrong-key', exitCode: 12 });
  await assert.rejects(byIdentity.keys.remove(recipientKey), { code: 'last-key', exitCode: 3 });
  await assert.rejects(byIdentity.keys.remove('0'.repeat(64)), { code: 'no-such-key' });
  assert.equal((await objectNames(backend, 'keys')).length, 1);
});

test('a repository made for recipients only: the wrong identity is a wrong key', async () => {
  const backend = new MemoryBackend();
  const host = await generateIdentity();
  const admin = await generateIdentity();
  await initRepository(backend, { host: HOST, recipients: [await identityToRecipient(host), await identityToRecipient(admin)], params: SMALL_PARAMS });
  assert.equal((await objectNames(backend, 'keys')).length, 2);
  await openRepository(backend, { host: HOST, identity: { identity: admin } });
  await assert.rejects(openRepository(backend, { host: HOST, identity: { identity: await generateIdentity() } }), { code: 'wrong-key' });
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } }), { code: 'wrong-key' });
});

test('a second passphrase works alongside the first', async () => {
  const { repo, backend } = await makeRepo();
  await repo.keys.add({ passphrase: 'second passphrase', scryptLogN: 10 });
  await openRepository(backend, { host: HOST, identity: { passphrase: 'second passphrase' } });
  await openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } });
});
