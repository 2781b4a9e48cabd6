// A local repository with a filesystem mounted inside it: a staged pack's temporary file (at the
// repository root) cannot be renamed onto its object (EXDEV), so commit copies it there as any put
// does. Real mounts: a tmpfs at the host's directory inside the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalBackend } from '../../src/repo/backend/local.ts';
import { skipReason } from '../support/requirements.ts';

test('a staged object lands across a mount inside the repository (EXDEV): copied, whole, no temporary left', { skip: skipReason({ tools: ['mount', 'umount'] }) }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'panther-stage-exdev-'));
  const inner = join(root, 'h');
  await mkdir(inner);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', inner]);
  try {
    const backend = new LocalBackend(root);
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const stage = backend.stage();
    await stage.write(Buffer.from(data.subarray(0, 1024 * 1024)));
    await stage.write(Buffer.from(data.subarray(1024 * 1024)));
    await stage.commit('h/packs/ab/one');
    assert.deepEqual(Buffer.from(await backend.get('h/packs/ab/one')), data);
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.')), [], 'the temporary was removed');
    assert.deepEqual((await readdir(join(inner, 'packs', 'ab'))).filter((n) => n.startsWith('.')), [], 'the copy left no temporary');
  } finally {
    execFileSync('umount', [inner]);
    await rm(root, { recursive: true, force: true });
  }
});
