// The committed fixtures in test/fixtures/format/ must decode forever (house-style §8): one object
// of every type, opened with the fixed test key, each against values recorded when they were made.
// The same checks run on a set generated now, so the generator cannot silently rot either.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../backend/local.ts';
import { openRepository } from '../repository.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { gearTable } from '../chunker/gear.ts';
import { chunkLengths } from '../chunker/fastcdc.ts';
import { chunkId } from '../pack/blob.ts';
import { readTrailer } from '../pack/pack.ts';
import { openSegment } from '../index/index-segment.ts';
import { openManifest } from '../manifest/manifest.ts';
import { openConfig } from '../config.ts';
import { keyKind, unwrapKey } from '../keyfile/key-file.ts';
import { collectBytes, pseudoRandom } from '../testing/pseudo-random.ts';
import { makeFixtures } from './make-fixtures.ts';
import * as spec from './fixture-spec.ts';

const committed = JSON.parse(readFileSync(join(spec.FIXTURE_DIR, 'expected.json'), 'utf8'));

function decodes(label: string, dir: () => string): void {
  describe(label, () => {
    const expected = () => JSON.parse(readFileSync(join(dir(), 'expected.json'), 'utf8'));
    const identity = () => readFileSync(join(dir(), 'identity.txt'), 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    const backend = () => new LocalBackend(join(dir(), 'repo'));
    const file = (kind: string, id: string): Buffer => readFileSync(join(dir(), 'repo', spec.FIXTURE_HOST, kind, id));
    const listIds = async (kind: string): Promise<string[]> => {
      const ids: string[] = [];
      for await (const info of backend().list(`${spec.FIXTURE_HOST}/${kind}/`)) ids.push(info.name.split('/').pop()!);
      return ids;
    };

    test('key derivation, gear table, chunk ids and chunk boundaries are as recorded', () => {
      const e = expected();
      assert.deepEqual({ ...e.derived, chunkIdOfHello: e.chunkIdOfHello, chunker: e.chunkerVector.lengths },
        { ...committed.derived, chunkIdOfHello: committed.chunkIdOfHello, chunker: committed.chunkerVector.lengths });
      const keys = deriveKeys(Buffer.from(e.masterKeyHex, 'hex'));
      assert.equal(keys.chunkId.toString('hex'), e.derived.chunkIdKeyHex);
      assert.equal(keys.objectRoot.toString('hex'), e.derived.objectRootHex);
      assert.equal(keys.gearSeed.toString('hex'), e.derived.gearSeedHex);
      const gear = gearTable(keys.gearSeed);
      assert.deepEqual([gear[0], gear[1], gear[255]], [e.derived.gear0, e.derived.gear1, e.derived.gear255]);
      assert.equal(chunkId(keys, Buffer.from('hello')).toString('hex'), e.chunkIdOfHello);
      assert.deepEqual(chunkLengths(pseudoRandom(64 * 1024, 'chunker-vector'), e.chunkerVector.params, gear), e.chunkerVector.lengths);
    });

    test('both key files open (passphrase and X25519 identity) to the recorded master key', async () => {
      const e = expected();
      assert.equal(keyKind(file('keys', e.keys.passphrase)), 'passphrase');
      assert.equal(keyKind(file('keys', e.keys.x25519)), 'x25519');
      for (const content of [await unwrapKey(file('keys', e.keys.passphrase), { passphrase: e.passphrase }), await unwrapKey(file('keys', e.keys.x25519), { identity: identity() })]) {
        assert.equal(Buffer.from(content!.masterKey, 'base64').toString('hex'), e.masterKeyHex);
        assert.equal(content!.repository, e.repositoryId);
      }
    });

    test('config, pack trailers, index segments and manifests decode', async () => {
      const e = expected();
      const keys = deriveKeys(Buffer.from(e.masterKeyHex, 'hex'));
      assert.deepEqual(openConfig(keys.objectRoot, readFileSync(join(dir(), 'repo', spec.FIXTURE_HOST, 'config'))), e.config);
      const packs = await listIds('packs');
      const indexed = new Map<string, number>();
      for (const segment of await listIds('index')) {
        for (const pack of openSegment(keys.objectRoot, file('index', segment))) indexed.set(pack.id, pack.entries.length);
      }
      assert.deepEqual([...indexed.keys()].sort(), packs.sort());
      for (const pack of packs) assert.equal(readTrailer(keys.objectRoot, file('packs', pack)).length, indexed.get(pack));
      assert.deepEqual((await listIds('manifests')).sort(), e.manifests.map((m: { id: string }) => m.id).sort());
      for (const m of e.manifests) {
        const head = openManifest(keys.objectRoot, file('manifests', m.id)).head;
        assert.deepEqual({ size: head.stream.size, sha256: head.stream.sha256, chunks: head.stream.chunks, parent: head.parent },
          { size: m.size, sha256: m.sha256, chunks: m.chunks, parent: m.parent });
      }
    });

    test('the repository opens, checks clean and restores both streams to their recorded hashes', async () => {
      const e = expected();
      assert.deepEqual(e.manifests.map((m: { sha256: string }) => m.sha256), committed.manifests.map((m: { sha256: string }) => m.sha256));
      for (const who of [{ passphrase: e.passphrase }, { identity: identity() }]) {
        const repo = await openRepository(backend(), { host: spec.FIXTURE_HOST, identity: who });
        assert.deepEqual((await repo.check({ readData: 100 })).problems, []);
        for (const m of e.manifests) {
          const stream = await collectBytes(repo.restoreStream(m.id));
          assert.equal(createHash('sha256').update(stream).digest('hex'), m.sha256);
        }
      }
    });
  });
}

decodes('committed fixtures (test/fixtures/format)', () => spec.FIXTURE_DIR);

let fresh = '';
describe('fixtures generated now', () => {
  before(async () => {
    fresh = await mkdtemp(join(tmpdir(), 'panther-fixtures-'));
    await makeFixtures(fresh);
  });
  after(() => rm(fresh, { recursive: true, force: true }));
  decodes('decode the same way', () => fresh);
});
