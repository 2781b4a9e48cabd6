// A clone of the repository has no `shared` folder beside it: no file of the project may read or
// cite anything there, except the Nix libraries that tests locate through test/support/nix-libs.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', '.git', 'tmp', '.panther-demo']);
const THIS_FILE = 'test/self-contained.test.ts';
/** Files allowed to name the vendored Nix libraries' default location. */
const VENDOR_ALLOWED = new Set(['test/support/nix-libs.ts', 'README.md', 'docs/DECISIONS.md']);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) yield* files(path);
    else if (st.isFile() && st.size < 5_000_000) yield path;
  }
}

test('no project file reads or cites the sibling shared folder (only the Nix libraries, through one variable)', () => {
  const offences: string[] = [];
  for (const path of files(ROOT)) {
    const rel = relative(ROOT, path);
    if (rel === THIS_FILE) continue;
    const text = readFileSync(path, 'latin1');
    text.split('\n').forEach((line, i) => {
      // Also a path put together from segments (join with a parent segment, then the folder's name).
      for (const m of line.matchAll(/(?:\.\.\/|\/work\/)shared(?:\/[\w.-]+)?|['"]\.\.['"],\s*['"]shared['"](?:,\s*['"][\w.-]+['"])?/g)) {
        const vendor = /shared\/vendor$|['"]vendor['"]$/.test(m[0]) || /shared['"]?$/.test(m[0]);
        if (vendor && VENDOR_ALLOWED.has(rel)) continue;
        offences.push(`${rel}:${i + 1}: ${m[0]}`);
      }
    });
  }
  assert.deepEqual(offences, [], `files that depend on the sibling shared folder:\n${offences.join('\n')}`);
});
