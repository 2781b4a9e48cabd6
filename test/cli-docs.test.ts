// docs/CLI.md cannot go stale silently: every registered command is there with its usage line, every
// PantherError code src/ can throw is in its error table, and neither lists what no longer exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { errorCodesIn, errorCodesUnder } from './support/error-codes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = readFileSync(resolve(ROOT, 'docs/CLI.md'), 'utf8');

function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  assert.notEqual(start, -1, `docs/CLI.md has no "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

test('every command is in docs/CLI.md with its usage line, and only those', () => {
  const commands = section(DOC, 'Commands');
  const missing: string[] = [];
  for (const { name, usage } of COMMANDS) {
    const at = commands.indexOf(`\n### panther ${name}\n`);
    if (at === -1) { missing.push(`${name}: add a "### panther ${name}" section`); continue; }
    const next = commands.indexOf('\n### ', at + 1);
    const body = commands.slice(at, next === -1 ? undefined : next);
    if (!body.split('\n').includes(usage)) missing.push(`${name}: its usage line is now\n    ${usage}`);
  }
  assert.deepEqual(missing, [], `docs/CLI.md is behind the commands:\n  ${missing.join('\n  ')}`);
  const documented = [...commands.matchAll(/^### panther (.+)$/gm)].map((m) => m[1]!);
  const names = new Set(COMMANDS.map((c) => c.name));
  assert.deepEqual(documented.filter((d) => !names.has(d)), [], 'docs/CLI.md documents commands that do not exist');
});

test('every error code src/ throws is in the error table of docs/CLI.md, and only those', () => {
  const table = section(DOC, 'Error codes');
  const documented = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
  const sites = errorCodesUnder(resolve(ROOT, 'src'));
  assert.ok(sites.length > 100, `found only ${sites.length} error sites`);
  const missing = [...new Set(sites.filter((s) => !documented.has(s.code)).map((s) => `${s.code} (src/${s.file}:${s.line})`))];
  assert.deepEqual(missing, [], `add a row | \`code\` | exit | raised in | meaning | to docs/CLI.md "Error codes" for:\n  ${missing.join('\n  ')}`);
  const codes = new Set(sites.map((s) => s.code));
  assert.deepEqual([...documented].filter((c) => !codes.has(c)), [], 'docs/CLI.md lists error codes src/ no longer throws');
});

test('the error-code finder sees each way a code is given', () => {
  const found = errorCodesIn('x.ts', [
    "throw new PantherError('plain', 'm', { exitCode: ExitCode.refused });",
    "throw new PantherError(busy ? 'branch-a' : 'branch-b', 'm');",
    "throw refused('via-refused', 'm', 'h');",
    "const make = (code: string) => new PantherError(code, 'm'); make('via-make', 'm', 'h');",
    "throw usageError('m');",
    "throw schemaError(src, problems, { code: 'via-schema', what: 'a thing' });",
    "parseWithSchema(s, data, src, { code: 'via-parse', what: 'a thing' });",
    "const READ = { code: 'via-options', namedArrays: ['pools'] };",
    "const unrelated = { code: 'not-an-error' };",
  ].join('\n'));
  assert.deepEqual(found.map((s) => s.code), ['plain', 'branch-a', 'branch-b', 'via-refused', 'via-make', 'usage', 'via-schema', 'via-parse', 'via-options']);
  assert.equal(found[0]!.exit, 'ExitCode.refused');
});
