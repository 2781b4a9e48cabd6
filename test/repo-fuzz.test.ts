// Fuzzing a damaged repository through the CLI: one object of a real local repository (config, key,
// index segment, manifest, pack) is truncated, overwritten, emptied, replaced by JSON, a directory or
// a symlink. Whatever the damage, `backup list` and `backup check --read-data 100` never end in an
// internal error or a stack trace, check never passes a damaged repository, and neither command
// writes anything to it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { LocalBackend } from '../src/repo/backend/local.ts';
import { HOST, PASSPHRASE, backupBytes, makeRepo } from '../src/repo/testing/repos.ts';
import { pseudoRandom } from '../src/repo/testing/pseudo-random.ts';
import { runCli } from './support/cli.ts';

let work = '';
let pristine = '';
let passFile = '';
let objects: string[] = [];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await walk(path));
    else out.push(path);
  }
  return out;
}

/** Every path below the repository with its type and content hash, locks excluded (leases come and go). */
async function fingerprint(root: string): Promise<string> {
  const lines: string[] = [];
  async function visit(dir: string): Promise<void> {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (rel.split('/').includes('locks')) continue;
      const st = await lstat(path);
      if (st.isSymbolicLink()) lines.push(`${rel} -> ${await readlink(path)}`);
      else if (st.isDirectory()) { lines.push(`${rel}/`); await visit(path); }
      else lines.push(`${rel} ${createHash('sha256').update(await readFile(path)).digest('hex')}`);
    }
  }
  await visit(root);
  return lines.join('\n');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'panther-repo-fuzz-'));
  pristine = join(work, 'pristine');
  passFile = join(work, 'passphrase');
  await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const { repo } = await makeRepo({ backend: new LocalBackend(pristine) });
  await backupBytes(repo, pseudoRandom(400_000, 1), 1);
  await backupBytes(repo, pseudoRandom(400_000, 2), 2);
  objects = (await walk(pristine)).map((p) => relative(pristine, p)).filter((p) => !p.split('/').includes('locks')).sort();
});
after(async () => { if (work !== '') await rm(work, { recursive: true, force: true }); });

type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'empty' }
  | { kind: 'json'; text: string }
  | { kind: 'directory' }
  | { kind: 'symlink-outside' }
  | { kind: 'random'; bytes: Uint8Array };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.constant({ kind: 'empty' as const }),
  fc.record({ kind: fc.constant('json' as const), text: fc.constantFrom('{}', '[]', 'null', '{"version":99}', '{"__proto__":{"x":1}}', '"\\u0000"') }),
  fc.constant({ kind: 'directory' as const }),
  fc.constant({ kind: 'symlink-outside' as const }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
);

async function apply(path: string, d: Damage): Promise<void> {
  const size = (await lstat(path)).size;
  switch (d.kind) {
    case 'truncate': await truncate(path, size === 0 ? 0 : d.at % size); break;
    case 'flip': {
      const bytes = await readFile(path);
      if (bytes.length === 0) { await writeFile(path, 'x'); break; }
      const i = d.at % bytes.length;
      bytes[i] = bytes[i]! ^ (1 << d.bit);
      await writeFile(path, bytes);
      break;
    }
    case 'empty': await writeFile(path, ''); break;
    case 'json': await writeFile(path, d.text); break;
    case 'directory': await rm(path); await mkdir(path); await writeFile(join(path, 'inside'), 'x'); break;
    case 'symlink-outside': await rm(path); await symlink('/etc/hostname', path); break;
    case 'random': await writeFile(path, d.bytes); break;
  }
}

test('a damaged repository object never crashes list or check, check never passes it, and nothing is written', async () => {
  let run = 0;
  await fc.assert(fc.asyncProperty(fc.nat(), damage, async (pick, d) => {
    const repo = join(work, `run-${run++}`);
    await cp(pristine, repo, { recursive: true });
    const victim = objects[pick % objects.length]!;
    const before = await fingerprint(repo);
    await apply(join(repo, victim), d);
    const damaged = await fingerprint(repo);
    const common = ['--repo', repo, '--host', HOST, '--passphrase-file', passFile];
    try {
      for (const argv of [['backup', 'list', ...common], ['backup', 'check', '--read-data', '100', ...common], ['backup', 'check', '--read-data', '100', '--json', ...common]]) {
        const r = await runCli(...argv);
        const where = `panther ${argv.slice(0, 2).join(' ')} after ${d.kind} of ${victim} (exit ${r.code})\n${r.stderr}`;
        assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, where);
        assert.ok([0, 1, 10, 11, 12].includes(r.code), where);
        if (argv[1] === 'check' && damaged !== before) assert.notEqual(r.code, 0, `check passed a damaged repository: ${where}`);
      }
      assert.equal(await fingerprint(repo), damaged, `list/check changed the repository after ${d.kind} of ${victim}`);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  }), { numRuns: 80, seed: Number(process.env['PANTHER_FUZZ_SEED'] ?? 20261203) });
});
