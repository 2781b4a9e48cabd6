import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetfattrParser, MAX_LINE_BYTES, unquoteGetfattr, type XattrRecord } from './getfattr-parse.ts';

// Captured from attr 2.5.1: `getfattr -R -P -h -d -m - -e hex -- .` in a directory holding names
// with a newline, a carriage return, a backslash, bytes 0xff 0xfe, a space and "="; an xattr name
// with "=" in it; an empty value; a symlink's trusted.* xattr; a POSIX ACL; the root's own xattr.
const CAPTURE = readFileSync(join(import.meta.dirname, 'testdata', 'getfattr-odd-names.txt'));

function parseAll(text: Uint8Array, chunk = text.length): XattrRecord[] {
  const parser = new GetfattrParser();
  const out: XattrRecord[] = [];
  for (let at = 0; at < text.length; at += chunk) out.push(...parser.push(text.subarray(at, at + chunk)));
  return [...out, ...parser.end()];
}

const plain = (records: XattrRecord[]): Array<[string, Record<string, string>]> =>
  records.map((r) => [r.path.toString('latin1'), Object.fromEntries(r.xattrs)]);

test('a real capture: odd names come back as their bytes, every namespace is read', () => {
  const records = plain(parseAll(CAPTURE));
  assert.deepEqual(records, [
    ['', { 'user.root': '746f70' }],
    ['bad\xff\xfename', { 'user.b': '00ff' }],
    ['sp ace=eq', { 'user.empty': '', 'user.we ird=n': '78' }],
    ['link', { 'trusted.t': '31' }],
    ['sub/plain', { 'system.posix_acl_access': '0200000001000600ffffffff02000400e803000004000400ffffffff10000400ffffffff20000400ffffffff', 'user.deep': '0102' }],
    ['cr\rx', { 'user.r': '31' }],
    ['new\nline', { 'user.a': '68656c6c6f' }],
    ['back\\slash', { 'user.c': '71' }],
  ]);
});

test('the same records whatever the chunking (a line, an escape or a byte split across chunks)', () => {
  const whole = plain(parseAll(CAPTURE));
  for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(plain(parseAll(CAPTURE, size)), whole, `chunks of ${size}`);
});

test('unquote: a backslash and three octal digits is a byte, anything else is literal', () => {
  assert.deepEqual(unquoteGetfattr(Buffer.from('a\\012b\\134c\\075')), Buffer.from('a\nb\\c='));
  assert.deepEqual(unquoteGetfattr(Buffer.from('a\\9zz\\01')), Buffer.from('a\\9zz\\01'));
  assert.deepEqual(unquoteGetfattr(Buffer.from([0xff, 0x5c, 0x33, 0x37, 0x37])), Buffer.from([0xff, 0xff]));
});

test('"./x" paths (other versions) are relative like "x"; a bare name is an empty value; no trailing blank line', () => {
  const records = plain(parseAll(Buffer.from('# file: ./d/x\nuser.bare\nuser.v=0xAB')));
  assert.deepEqual(records, [['d/x', { 'user.bare': '', 'user.v': 'ab' }]]);
});

test('output that is not getfattr\'s is refused, not misread', () => {
  assert.throws(() => parseAll(Buffer.from('user.a=0x31\n')), /outside a "# file:" record/);
  assert.throws(() => parseAll(Buffer.from('# file: x\nuser.a="text"\n')), /not name=0x<hex>/);
  assert.throws(() => parseAll(Buffer.from('# file: x\nuser.a=0x123\n')), /not name=0x<hex>/);
  assert.throws(() => new GetfattrParser().push(Buffer.alloc(MAX_LINE_BYTES + 1, 0x61)), /longer than/);
});
