// The narrow views of access.ts hold: the `@ts-expect-error` lines fail the type-check (npm test
// runs tsc first) the day a reader can write or a writer can reach the keys or the raw backend; the
// runtime part shows Repository serves them (backup/narrow-repo.test.ts keeps backup/ on them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RepositoryLocking, RepositoryReader, RepositoryWriter } from './access.ts';
import { LocalBackend } from './backend/local.ts';
import { makeRepo } from './testing/repos.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/** Compiles only while the views stay narrow; never called. */
export function narrowViews(reader: RepositoryReader, writer: RepositoryWriter, locking: RepositoryLocking): void {
  // @ts-expect-error a reader cannot back up
  void reader.backup;
  // @ts-expect-error a reader cannot delete a point
  void reader.deleteManifest;
  // @ts-expect-error a reader cannot prune
  void reader.prune;
  // @ts-expect-error a reader cannot repair the index
  void reader.repairIndex;
  // @ts-expect-error a reader cannot reach the backend
  void reader.backend;
  // @ts-expect-error a writer cannot reach the keys
  void writer.keys;
  // @ts-expect-error a writer cannot reach the raw backend
  void writer.backend;
  // @ts-expect-error a writer cannot reach the object store
  void writer.store;
  // @ts-expect-error the lock view holds no backend either
  void locking.backend;
}

test('Repository serves the reader, writer and locking views; the lock has no settle delay on a local directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-access-'));
  try {
    const { repo } = await makeRepo({ backend: new LocalBackend(dir) });
    const reader: RepositoryReader = repo;
    const writer: RepositoryWriter = repo;
    const locking: RepositoryLocking = repo;
    assert.equal(reader.id, repo.config.id);
    assert.deepEqual(await reader.listManifests(), []);
    assert.equal(locking.backendProperties.kind, 'local');
    const events: string[] = [];
    const started = Date.now();
    const lock = await locking.lock('shared', { holder: 'test', onEvent: (e) => events.push(e.type) });
    await lock.release();
    assert.ok(Date.now() - started < 5_000, 'a local lock does not wait out the 10 s settle delay');
    await writeFile(join(dir, '.stale.0123456789ab.tmp'), 'x');
    assert.equal(await writer.sweepTemporaries(-1), 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
