// Writes test/fixtures/format/ once: a small repository made by the real code from a fixed master
// key, plus expected.json with the values any decoder must reproduce. Committed; fixtures.test.ts
// decodes it forever. Regenerate only for a new format version:
//   npx node src/repo/format/make-fixtures.ts --force
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { LocalBackend } from '../backend/local.ts';
import { createRepository } from '../repository.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { gearTable } from '../chunker/gear.ts';
import { chunkLengths } from '../chunker/fastcdc.ts';
import { chunkId } from '../pack/blob.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';
import * as spec from './fixture-spec.ts';

export async function makeFixtures(dir = spec.FIXTURE_DIR): Promise<void> {
  await rm(join(dir, 'repo'), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const backend = new LocalBackend(join(dir, 'repo'));
  const identity = await generateX25519Identity();
  const now = (): Date => new Date(spec.FIXTURE_CREATED);
  const repo = await createRepository(backend, {
    host: spec.FIXTURE_HOST, passphrase: spec.FIXTURE_PASSPHRASE, scryptLogN: spec.FIXTURE_SCRYPT_LOG_N,
    recipients: [await identityToRecipient(identity)], params: spec.FIXTURE_PARAMS, now,
  }, { masterKey: spec.FIXTURE_MASTER_KEY, id: spec.FIXTURE_REPOSITORY_ID });
  const keyIds = (await repo.keys.list()).reduce<Record<string, string>>((acc, k) => ({ ...acc, [k.kind]: k.id }), {});
  const passphraseKey = keyIds['passphrase']!;
  const identityKey = keyIds['x25519']!;
  const secrets = deriveKeys(spec.FIXTURE_MASTER_KEY);
  const { full, incremental } = spec.fixtureStreams();
  const tool = { name: 'panther', version: '0.1.0' };
  const one = async function* (data: Buffer) { yield data; };
  const first = await repo.backup(one(full), { subvolume: '@home', snapshot: { name: '@home.20261124T0200', uuid: '5f0c2b1e-0000-4000-8000-000000000001', time: '2026-11-24T02:00:00Z' } }, { tool });
  const second = await repo.backup(one(incremental), {
    subvolume: '@home', snapshot: { name: '@home.20261125T0200', uuid: '5f0c2b1e-0000-4000-8000-000000000002', time: '2026-11-25T02:00:00Z' },
    parent: first.manifestId, extra: { sendProtocol: 2 },
  }, { tool });
  const vector = pseudoRandom(64 * 1024, 'chunker-vector');
  const gear = gearTable(secrets.gearSeed);
  const expected = {
    note: 'Test-only key material. Values any implementation of docs/FORMAT.md must reproduce from repo/.',
    host: spec.FIXTURE_HOST,
    passphrase: spec.FIXTURE_PASSPHRASE,
    masterKeyHex: spec.FIXTURE_MASTER_KEY.toString('hex'),
    repositoryId: spec.FIXTURE_REPOSITORY_ID,
    derived: {
      chunkIdKeyHex: secrets.chunkId.toString('hex'),
      objectRootHex: secrets.objectRoot.toString('hex'),
      gearSeedHex: secrets.gearSeed.toString('hex'),
      gear0: gear[0], gear1: gear[1], gear255: gear[255],
    },
    chunkIdOfHello: chunkId(secrets, Buffer.from('hello')).toString('hex'),
    chunkerVector: { data: "pseudoRandom(65536, 'chunker-vector') = AES-256-CTR keystream, key SHA-256('panther-test:chunker-vector'), zero IV", params: spec.FIXTURE_PARAMS.chunker, lengths: chunkLengths(vector, spec.FIXTURE_PARAMS.chunker, gear) },
    keys: { passphrase: passphraseKey, x25519: identityKey },
    config: repo.config,
    manifests: [first, second].map((r) => ({ id: r.manifestId, size: r.head.stream.size, sha256: r.head.stream.sha256, chunks: r.head.stream.chunks, parent: r.head.parent })),
  };
  await writeFile(join(dir, 'identity.txt'), `# test-only identity of the format fixtures\n${identity}\n`);
  await writeFile(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
}

if (import.meta.main) {
  if (existsSync(join(spec.FIXTURE_DIR, 'expected.json')) && !process.argv.includes('--force')) {
    console.error('fixtures exist; they are the format\'s memory. Pass --force only for a new format version.');
    process.exit(3);
  }
  await makeFixtures();
  console.error(`wrote ${spec.FIXTURE_DIR}`);
}
