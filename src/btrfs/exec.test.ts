// Runs harmless programs (node itself) to check how run() reports results and failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './exec.ts';

const node = process.execPath;

test('run returns stdout, stderr and the exit code', async () => {
  const r = await run(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err")']);
  assert.deepEqual(r, { stdout: 'out', stderr: 'err', code: 0 });
});

test('run passes arguments through untouched: no shell', async () => {
  const hostile = '$(touch /tmp/panther-pwned); `id`; a b';
  const r = await run(node, ['-e', 'process.stdout.write(process.argv[1])', hostile]);
  assert.equal(r.stdout, hostile);
});

test('run feeds input on stdin', async () => {
  const r = await run(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello' });
  assert.equal(r.stdout, 'hello');
});

test('run sets LC_ALL=C so messages are parseable', async () => {
  const r = await run(node, ['-e', 'process.stdout.write(process.env.LC_ALL ?? "")']);
  assert.equal(r.stdout, 'C');
});

test('a non-zero exit is a command-failed PantherError with the diagnosis', async () => {
  await assert.rejects(
    run(node, ['-e', 'console.error("ERROR: not a btrfs filesystem: /srv"); process.exit(1)'], { subject: '/srv' }),
    (error: { code: string; message: string; subject: string }) => {
      assert.equal(error.code, 'command-failed');
      assert.equal(error.subject, '/srv');
      assert.match(error.message, /^\/srv: not a btrfs filesystem/);
      assert.match(error.message, /\(exit 1\)/);
      return true;
    },
  );
});

test('allowExit turns chosen exit codes into results', async () => {
  const r = await run(node, ['-e', 'process.exit(64)'], { allowExit: [64] });
  assert.equal(r.code, 64);
});

test('a missing program is missing-tool with an install hint', async () => {
  await assert.rejects(run('btrfs-panther-no-such-tool', []), { code: 'missing-tool' });
  await assert.rejects(run('/nonexistent/mkfs.btrfs', []), { code: 'missing-tool' });
});

test('a hung program is killed after timeoutMs', async () => {
  await assert.rejects(run(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 }), /timed out after 200 ms/);
});
