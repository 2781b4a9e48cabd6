// backup/ reaches the repository through the narrow views of repo/access.ts (RepositoryReader,
// RepositoryWriter, RepositoryLocking), never the whole Repository with its keys and raw backend.
// open.ts is the exception: it is the opener, and hands the narrow views out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

test('backup/ takes the narrow views: only open.ts, the opener, names the whole Repository', () => {
  const dir = import.meta.dirname;
  const offenders = readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'open.ts')
    .filter((name) => /\bRepository\b(?!Reader|Writer|Locking)/.test(readFileSync(join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
  assert.deepEqual(offenders, []);
});
