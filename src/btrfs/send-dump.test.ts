import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReceiveDump, unescapeDumpPath } from './send-dump.ts';

// Captured from btrfs-progs 6.2: send --no-data -p s1 s2 | receive --dump.
const SAMPLE = `snapshot        ./s2                            uuid=69818c9d-5e08-b94e-85ea-6b08fb396ead transid=8 parent_uuid=fb36a761-1fab-5140-8d06-4a0595bcd32f parent_transid=7
update_extent   ./s2/a.txt                      offset=0 len=11
rename          ./s2/d                          dest=./s2/e
unlink          ./s2/e/b
mkfile          ./s2/o260-8-0
rename          ./s2/o260-8-0                   dest=./s2/c
chmod           ./s2/c                          mode=600
symlink         ./s2/o261-8-0                   dest=../../etc/passwd
utimes          ./s2/                           atime=2026-11-24T07:02:51+0000 mtime=2026-11-24T07:02:51+0000 ctime=2026-11-24T07:02:51+0000
mkfile          ./s2/with\\ space\\nnewline
`;

test('parses commands, strips the subvolume component, resolves rename destinations', () => {
  const events = parseReceiveDump(SAMPLE);
  assert.deepEqual(events.map((e) => [e.command, e.path]), [
    ['snapshot', ''], ['update_extent', 'a.txt'], ['rename', 'd'], ['unlink', 'e/b'], ['mkfile', 'o260-8-0'],
    ['rename', 'o260-8-0'], ['chmod', 'c'], ['symlink', 'o261-8-0'], ['utimes', ''], ['mkfile', 'with space\nnewline'],
  ]);
  assert.equal(events[2]!.fields['dest'], 'e');
  assert.equal(events[5]!.fields['dest'], 'c');
  assert.equal(events[7]!.fields['dest'], '../../etc/passwd', 'a symlink target is text, not a stream path');
  assert.equal(events[6]!.fields['mode'], '600');
});

test('unescapes octal and C escapes', () => {
  assert.equal(unescapeDumpPath('a\\040b\\\\c\\tz'), 'a b\\c\tz');
});
