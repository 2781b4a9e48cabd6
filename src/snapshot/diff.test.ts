import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReceiveDump } from '../btrfs/send-dump.ts';
import { summarizeDump } from './diff.ts';

// btrfs-progs 6.2 output for: append to a.txt, rm d/b, echo > c, mv d e, chmod c (captured).
const DUMP = `snapshot        ./s2                            uuid=6981 transid=8 parent_uuid=fb36 parent_transid=7
update_extent   ./s2/a.txt                      offset=0 len=11
utimes          ./s2/a.txt                      atime=x mtime=x ctime=x
rename          ./s2/d                          dest=./s2/e
utimes          ./s2/e                          atime=x mtime=x ctime=x
unlink          ./s2/e/b
mkfile          ./s2/o260-8-0
rename          ./s2/o260-8-0                   dest=./s2/c
update_extent   ./s2/c                          offset=0 len=4
chmod           ./s2/c                          mode=600
utimes          ./s2/                           atime=x mtime=x ctime=x
`;

test('summarises a metadata-only incremental stream into changed paths', () => {
  assert.deepEqual(summarizeDump(parseReceiveDump(DUMP)), [
    { path: 'a.txt', kind: 'modified' },
    { path: 'c', kind: 'added' },
    { path: 'd/b', kind: 'deleted' },
    { path: 'e', kind: 'renamed', from: 'd' },
  ]);
});

test('a file created and removed between the snapshots is not reported', () => {
  const dump = `mkfile ./s/o300-9-0\nrename ./s/o300-9-0 dest=./s/tmp\nunlink ./s/tmp\n`;
  assert.deepEqual(summarizeDump(parseReceiveDump(dump)), []);
});
