import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PantherError } from './errors.ts';
import { readStateJson, type StateFileErrors } from './read-state-json.ts';

const ERRORS: StateFileErrors = {
  unreadable: { code: 'x-unreadable', what: 'the x file' },
  damaged: (path, reason, cause) => new PantherError('x-damaged', `${path}: ${reason}`, { cause }),
};

test('a state file: missing is null, JSON is parsed, damage and unreadable files are errors naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-state-json-'));
  try {
    assert.equal(await readStateJson(join(dir, 'none.json'), ERRORS), null);
    await writeFile(join(dir, 'ok.json'), '{"a":[1]}');
    assert.deepEqual(await readStateJson(join(dir, 'ok.json'), ERRORS), { a: [1] });
    await writeFile(join(dir, 'cut.json'), '{"a":');
    await assert.rejects(readStateJson(join(dir, 'cut.json'), ERRORS), (e: PantherError) => e.code === 'x-damaged' && /cut\.json: not JSON/.test(e.message));
    await mkdir(join(dir, 'dir.json'));
    await assert.rejects(readStateJson(join(dir, 'dir.json'), ERRORS), (e: PantherError) => e.code === 'x-unreadable' && /cannot read the x file \(EISDIR\)/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
