// The architecture test can fail: each rule of test/support/import-map.ts, on made-up sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImports, importsOf, type Exception, type Row, type SourceFile } from './support/import-map.ts';

const TABLE: Record<string, Row> = {
  core: { may: [] },
  plan: { may: ['core'] },
  snapshot: { may: ['core', 'plan'], types: ['backup'] },
  btrfs: { may: ['core'], spawns: true },
  backup: { may: ['core', 'snapshot'] },
};
const FOLDERS = Object.keys(TABLE);

function source(rel: string, text: string): SourceFile {
  return { rel, imports: importsOf(rel, text) };
}
function check(sources: SourceFile[], folders = FOLDERS, exceptions: Exception[] = []): string[] {
  return checkImports(sources, folders, TABLE, exceptions);
}

test('finds static, re-exported, dynamic and type imports, and tells type-only apart', () => {
  const found = importsOf('x.ts', [
    "import { a } from './a.ts';",
    "import type { B } from './b.ts';",
    "import { type C, type D } from './c.ts';",
    "import { type E, f } from './e.ts';",
    "export { g } from './g.ts';",
    "export type { H } from './h.ts';",
    "export * from './i.ts';",
    "import './side-effect.ts';",
    "const j = await import('./j.ts');",
    "const k = await import(name);",
    "let l: import('./l.ts').L;",
    "const text = \"import { m } from './m.ts'\";",
  ].join('\n'));
  assert.deepEqual(found.map((i) => [i.spec, i.kind, i.typeOnly]), [
    ['./a.ts', 'import', false], ['./b.ts', 'import', true], ['./c.ts', 'import', true], ['./e.ts', 'import', false],
    ['./g.ts', 'export', false], ['./h.ts', 'export', true], ['./i.ts', 'export', false], ['./side-effect.ts', 'import', false],
    ['./j.ts', 'import()', false], [null, 'import()', false], ['./l.ts', 'import-type', true],
  ]);
});

test('an import against the table fails, naming the row to change; the same folder and allowed folders pass', () => {
  assert.deepEqual(check([source('plan/a.ts', "import { x } from '../core/x.ts';\nimport { y } from './y.ts';")]), []);
  const problems = check([source('plan/a.ts', "import { s } from '../snapshot/s.ts';")]);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /src\/plan\/a\.ts:1 imports '\.\.\/snapshot\/s\.ts': plan → snapshot is not in the row 'plan'/);
  assert.match(problems[0]!, /add 'snapshot' to the row 'plan'/);
});

test('re-exports and dynamic imports are held to the table too', () => {
  assert.equal(check([source('plan/a.ts', "export { s } from '../snapshot/s.ts';")]).length, 1);
  assert.equal(check([source('plan/a.ts', "const s = await import('../snapshot/s.ts');")]).length, 1);
  assert.match(check([source('plan/a.ts', 'const s = await import(where);')])[0]!, /computed specifier/);
});

test('type-only imports follow the table; `types` admits types but not values', () => {
  assert.equal(check([source('plan/a.ts', "import type { S } from '../snapshot/s.ts';")]).length, 1);
  assert.deepEqual(check([source('snapshot/a.ts', "import type { P } from '../backup/p.ts';")]), []);
  assert.match(check([source('snapshot/a.ts', "import { p } from '../backup/p.ts';")])[0]!, /snapshot → backup is not in the row/);
});

test('a folder without a row fails with the row to add; a row without a folder fails', () => {
  const problems = check([source('metrics/m.ts', "import { x } from '../core/x.ts';\nimport type { P } from '../plan/p.ts';")], [...FOLDERS, 'metrics']);
  assert.deepEqual(problems, [
    "src/metrics/ has no row in the allowed-imports table of test/architecture.test.ts: add the row 'metrics': { may: ['core', 'plan'] }, (what its files import today), after checking it against the arrows in docs/ARCHITECTURE.md, and give the folder its entry there",
  ]);
  assert.match(check([], FOLDERS.filter((f) => f !== 'btrfs')).join('\n'), /the row 'btrfs' .* names no folder/);
});

test('src/ never imports test/ or a node_modules/ path', () => {
  assert.match(check([source('plan/lint/t.ts', "import { specPlan } from '../../../test/support/plans.ts';")])[0]!, /from test\//);
  assert.match(check([source('backup/s.ts', "import { S } from '../../node_modules/pkg/dist/s.js';")])[0]!, /node_modules\/ path/);
  assert.match(check([source('backup/s.ts', "import { S } from 'pkg/node_modules/dep/s.js';")])[0]!, /node_modules\/ path/);
  assert.deepEqual(check([source('core/version.ts', "import pkg from '../../package.json' with { type: 'json' };")]), []);
});

test('only folders that own processes import node:child_process', () => {
  assert.deepEqual(check([source('btrfs/exec.ts', "import { spawn } from 'node:child_process';")]), []);
  assert.match(check([source('backup/run.ts', "import { spawn } from 'node:child_process';")])[0]!, /only folders whose row says spawns: true/);
  assert.equal(check([source('backup/run.ts', "const { spawn } = await import('node:child_process');")]).length, 1);
});

test('an exception admits one file\'s import, and an exception that matches nothing fails', () => {
  const exception = { file: 'plan/a.ts', imports: 'snapshot', why: 'because' };
  assert.deepEqual(check([source('plan/a.ts', "import { s } from '../snapshot/s.ts';")], FOLDERS, [exception]), []);
  assert.match(check([source('plan/b.ts', "import { s } from '../snapshot/s.ts';")], FOLDERS, [exception]).join('\n'), /matches no import any more/);
});
