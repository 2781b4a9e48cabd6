// Secrets and repository directories as a user of the backup side sees them: a repository is created
// private whatever the umask, and a secret file others can read is reported on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalBackend } from '../repo/index.ts';
import { readS3Credentials } from '../repo/backend/s3-credentials.ts';
import { openBackend } from '../repo/backend/open.ts';
import { readSecret } from './open.ts';

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** Runs fn under a umask, restoring the old one after. */
async function withUmask(mask: number, fn: () => Promise<void>): Promise<void> {
  const old = process.umask(mask);
  try { await fn(); } finally { process.umask(old); }
}

test('the local backend creates its root and object directories 0700 under a 022 umask', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-private-'));
  try {
    await withUmask(0o022, async () => {
      const root = join(dir, 'repo');
      const backend = await openBackend(root) as LocalBackend;
      await backend.put('host/packs/ab/abcdef', new Uint8Array([1, 2, 3]));
      for (const sub of ['', 'host', 'host/packs', 'host/packs/ab']) assert.equal(await modeOf(join(root, sub)), 0o700, sub || 'root');
      assert.equal(await modeOf(join(root, 'host/packs/ab/abcdef')), 0o600);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** What process.stderr received while fn ran. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let seen = '';
  process.stderr.write = ((chunk: string | Uint8Array) => { seen += chunk.toString(); return true; }) as typeof process.stderr.write;
  try { await fn(); } finally { process.stderr.write = write; }
  return seen;
}

test('passphrase, identity and S3 credentials files readable by others warn on stderr, naming the file and the fix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-secret-'));
  try {
    const pass = join(dir, 'pass');
    await writeFile(pass, 'secret\n', { mode: 0o644 });
    await chmod(pass, 0o644);
    assert.match(await stderrOf(() => readSecret(pass, 'passphrase')), new RegExp(`passphrase file ${pass} is mode 0644.*chmod 600 ${pass}`));
    const creds = join(dir, 'creds');
    await writeFile(creds, 'keyid\nappkey\n');
    await chmod(creds, 0o640);
    assert.match(await stderrOf(() => readS3Credentials(creds)), /S3 credentials file .*creds is mode 0640/);
    const quiet = join(dir, 'quiet');
    await writeFile(quiet, 'secret\n', { mode: 0o600 });
    assert.equal(await stderrOf(() => readSecret(quiet, 'age identity')), '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
