import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Backend, PutData, ReplayableBody } from './backend.ts';
import { collect, isReplayable } from './backend.ts';
import { runBackendConformance } from './conformance.ts';
import { MemoryBackend } from './memory.ts';
import { SpoolBackend, fileBody } from './spool.ts';

const execFileAsync = promisify(execFile);

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'panther-spool-'));
}

runBackendConformance('spool over memory', async () => {
  const dir = await tempDir();
  return { backend: new SpoolBackend(new MemoryBackend(), { dir: join(dir, 'spool') }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

/** A store that records what each put was handed, and reads the body twice as a retrying store would. */
function recordingStore(): { store: Backend; inner: MemoryBackend; seen: Array<{ replayable: boolean; spoolEntries: number }>; spoolDir: { path: string } } {
  const inner = new MemoryBackend();
  const seen: Array<{ replayable: boolean; spoolEntries: number }> = [];
  const spoolDir = { path: '' };
  const store = Object.assign(Object.create(inner) as MemoryBackend, {
    put: async (name: string, data: PutData) => {
      seen.push({ replayable: isReplayable(data), spoolEntries: (await readdir(spoolDir.path)).length });
      if (isReplayable(data)) assert.ok(Buffer.from(await collect(data.read())).equals(Buffer.from(await collect(data))), 'two reads, the same bytes');
      return inner.put(name, data);
    },
  });
  return { store, inner, seen, spoolDir };
}

test('spool: a stage is a file with no name from its first piece; pieces are freed once written; the put gets a body it can read again', async () => {
  const dir = await tempDir();
  try {
    const { store, inner, seen, spoolDir } = recordingStore();
    spoolDir.path = join(dir, 'spool');
    const spool = new SpoolBackend(store, { dir: spoolDir.path });
    const stage = spool.stage();
    const piece = Buffer.allocUnsafeSlow(1 << 20).fill(9);
    const copy = Buffer.from(piece);
    await stage.write(piece);
    assert.equal(piece.length, 0, 'the piece was handed over and freed once written');
    assert.deepEqual(await readdir(spoolDir.path), [], 'the file was unlinked as soon as it was made: a crash leaves nothing');
    assert.equal((await stat(spoolDir.path)).mode & 0o777, 0o700);
    const tail = randomBytes(1234);
    await stage.write(Buffer.from(tail));
    await stage.commit('h/packs/p');
    assert.deepEqual(seen, [{ replayable: true, spoolEntries: 0 }]);
    assert.ok(Buffer.from(await inner.get('h/packs/p')).equals(Buffer.concat([copy, tail])));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('spool: a failed put leaves no object and frees the file; a stage that lost a piece is never put', async () => {
  const dir = await tempDir();
  try {
    const inner = new MemoryBackend();
    let puts = 0;
    const failing = Object.assign(Object.create(inner) as MemoryBackend, {
      put: async (_name: string, data: PutData) => { puts += 1; await collect(data); throw new Error('link down'); },
    });
    const spool = new SpoolBackend(failing, { dir });
    const stage = spool.stage();
    await stage.write(randomBytes(100_000));
    await assert.rejects(stage.commit('h/packs/p'), /link down/);
    assert.equal(await inner.head('h/packs/p'), null);
    await assert.rejects(stage.write(randomBytes(10)), /already committed or aborted/);

    // A piece that cannot land (its file cannot be made: the spool directory is a file).
    await writeFile(join(dir, 'not-a-dir'), 'x');
    const broken = new SpoolBackend(failing, { dir: join(dir, 'not-a-dir') }).stage();
    await assert.rejects(broken.write(randomBytes(10)), { code: 'spool-unusable' });
    await assert.rejects(broken.commit('h/packs/q'), { code: 'spool-unusable' });
    assert.equal(puts, 1, 'the broken stage never reached the store');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('spool: a symlink planted where the spool directory goes is refused, not followed', async () => {
  const dir = await tempDir();
  try {
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'spool'));
    const stage = new SpoolBackend(new MemoryBackend(), { dir: join(dir, 'spool') }).stage();
    await assert.rejects(stage.write(randomBytes(10)), (error: Error & { code?: string }) => error.code === 'spool-unusable' && /\(ELOOP\)/.test(error.message));
    assert.deepEqual(await readdir(join(dir, 'elsewhere')), [], 'nothing was created behind the link');
    await stage.abort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('spool: a directory that cannot be used names itself and says how to move the spool', async () => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir, 'file'), 'x');
    const spool = new SpoolBackend(new MemoryBackend(), { dir: join(dir, 'file', 'spool') });
    const stage = spool.stage();
    await assert.rejects(stage.write(randomBytes(10)), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'spool-unusable');
      assert.match(error.message, /file\/spool \(ENOTDIR\)/);
      assert.match(error.hint ?? '', /--state-dir|PANTHER_STATE_DIR/);
      return true;
    });
    await stage.abort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fileBody: ranges read at once give their bytes; a range past the end stops at the end; a truncated file is an error, never short data', async () => {
  const dir = await tempDir();
  const handle = await open(join(dir, 'body'), 'w+');
  try {
    const data = randomBytes(3 * 256 * 1024 + 77);
    await handle.writeFile(data);
    const body: ReplayableBody = fileBody(handle, data.length);
    const ranges = [{ offset: 0, length: 10 }, { offset: 5, length: 600_000 }, { offset: 256 * 1024 - 1, length: 256 * 1024 + 2 }, { offset: data.length - 5, length: 100 }, { offset: data.length + 10, length: 5 }];
    const got = await Promise.all(ranges.map(async (range) => Buffer.from(await collect(body.read(range)))));
    ranges.forEach((range, i) => assert.ok(got[i]!.equals(data.subarray(range.offset, range.offset + range.length)), JSON.stringify(range)));
    assert.ok(Buffer.from(await collect(body)).equals(data), 'iterated, it is the whole body');
    await handle.truncate(1000);
    await assert.rejects(collect(body.read()), /spool file ended at 1000/);
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('spool: a full spool directory is spool-unusable, says the space is gone and what to do, and no object appears', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mounting a small tmpfs needs root');
  const dir = await tempDir();
  await execFileAsync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'panther-spool-test', dir]);
  try {
    const inner = new MemoryBackend();
    const stage = new SpoolBackend(inner, { dir }).stage();
    await stage.write(randomBytes(512 * 1024));
    await assert.rejects(stage.write(randomBytes(1024 * 1024)), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'spool-unusable');
      assert.match(error.message, /ENOSPC: no space left/);
      assert.match(error.hint ?? '', /two packs .* free space there, or pass --state-dir/);
      return true;
    });
    await assert.rejects(stage.commit('h/packs/p'), { code: 'spool-unusable' });
    assert.equal(await inner.head('h/packs/p'), null, 'a pack that lost a piece is never put');
    assert.deepEqual(await readdir(dir), [], 'the unlinked spool file went with the stage');
  } finally {
    await execFileAsync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  }
});
