import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from './find-on-path.ts';

test('findOnPath: the first executable of that name, skipping empty entries and files that are not executable', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-path-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'tool'), 0o644);
  assert.equal(findOnPath('tool', [], `::${dir}`), null);
  chmodSync(join(dir, 'tool'), 0o755);
  assert.equal(findOnPath('tool', [], `::${dir}`), join(dir, 'tool'));
  assert.equal(findOnPath('tool', [dir], '/nonexistent'), join(dir, 'tool'));
  assert.equal(findOnPath('missing', [dir], dir), null);
});
