// README's "Exit codes" table and `panther --help` come from one table (core/errors.ts EXIT_CODES):
// the help is generated from it, and this holds the README to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_CODES } from '../src/core/errors.ts';
import { EXIT_TABLE } from '../src/cli/help.ts';

const README = readFileSync(resolve(import.meta.dirname, '..', 'README.md'), 'utf8');

function readmeRows(): Array<{ code: number; meaning: string }> {
  const section = README.split(/^### Exit codes$/m)[1]?.split(/^#/m)[0] ?? '';
  return [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2]! }));
}

test('README lists exactly the exit codes of the table, each with its meaning', () => {
  const rows = readmeRows();
  assert.deepEqual(rows.map((r) => r.code), EXIT_CODES.map((e) => e.code));
  for (const e of EXIT_CODES) {
    const row = rows.find((r) => r.code === e.code)!;
    assert.ok(row.meaning.startsWith(e.meaning), `README row ${e.code} "${row.meaning}" should start with "${e.meaning}"`);
  }
});

test('--help prints every code of the table', () => {
  for (const e of EXIT_CODES) assert.match(EXIT_TABLE, new RegExp(`^  ${e.code} +${e.meaning}`, 'm'));
});
