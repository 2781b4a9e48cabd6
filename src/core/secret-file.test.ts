import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretModeTooOpen, warnIfSecretOpen } from './secret-file.ts';

test('0600 and 0400 are private; any group or other bit is not', () => {
  for (const mode of [0o600, 0o400, 0o100600]) assert.equal(secretModeTooOpen(mode), false, mode.toString(8));
  for (const mode of [0o644, 0o640, 0o604, 0o620, 0o100644]) assert.equal(secretModeTooOpen(mode), true, mode.toString(8));
});

test('warnIfSecretOpen warns once per file, and not for a private file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-secret-'));
  try {
    const lines: string[] = [];
    const open = join(dir, 'open');
    await writeFile(open, 'x');
    await chmod(open, 0o604);
    assert.equal(await warnIfSecretOpen(open, 'age identity', (l) => lines.push(l)), true);
    assert.equal(await warnIfSecretOpen(open, 'age identity', (l) => lines.push(l)), false, 'once per file');
    assert.equal(lines.length, 1);
    const closed = join(dir, 'closed');
    await writeFile(closed, 'x', { mode: 0o600 });
    assert.equal(await warnIfSecretOpen(closed, 'age identity', (l) => lines.push(l)), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
