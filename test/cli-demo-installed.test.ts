// `panther demo` from an installation without the repository's examples/ and devDependencies (what
// nix/package.nix installs): a clear error saying to run it from a clone, never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

test('demo in an installed copy without examples/ and fauxqs: demo-needs-checkout, exit 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-installed-'));
  try {
    await cp(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [join(dir, 'src', 'cli', 'main.ts'), 'demo', '--plan-only', '--json'], { encoding: 'utf8' },
        (error, out, err) => done({ code: error === null ? 0 : Number(error.code), stdout: out, stderr: err }));
    });
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as { error: string; message: string; hint: string };
    assert.equal(report.error, 'demo-needs-checkout');
    assert.match(report.message, /lacks the example reports and inventory .* and the local S3 server \(npm devDependency fauxqs\)/);
    assert.match(report.hint, /bash scripts\/setup.sh && npm run demo/);
    assert.ok(!stderr.includes('    at '), `no stack trace: ${stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
