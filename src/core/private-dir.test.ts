import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirPrivate } from './private-dir.ts';

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** Runs fn under a umask, restoring the old one after. */
async function withUmask(mask: number, fn: () => Promise<void>): Promise<void> {
  const old = process.umask(mask);
  try { await fn(); } finally { process.umask(old); }
}

test('mkdirPrivate creates every missing level 0700 whatever the umask, and leaves existing ones alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-private-'));
  try {
    await mkdir(join(dir, 'existing'), { mode: 0o755 });
    for (const [i, mask] of [0o022, 0o000, 0o277].entries()) {
      await withUmask(mask, async () => {
        const first = await mkdirPrivate(join(dir, 'existing', `a${i}`, 'b', 'c'));
        assert.equal(first, join(dir, 'existing', `a${i}`));
      });
      for (const sub of [`a${i}`, `a${i}/b`, `a${i}/b/c`]) assert.equal(await modeOf(join(dir, 'existing', sub)), 0o700, `${sub} under umask 0${mask.toString(8)}`);
    }
    assert.equal(await modeOf(join(dir, 'existing')), 0o755);
    assert.equal(await mkdirPrivate(join(dir, 'existing')), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

