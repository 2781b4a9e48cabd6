import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safePath, safeName, safeDevice, safeText } from './args.ts';

test('safePath accepts ordinary paths, including spaces and "@"', () => {
  assert.equal(safePath('/mnt/pool/@home'), '/mnt/pool/@home');
  assert.equal(safePath('mnt/nested vol'), 'mnt/nested vol');
  assert.equal(safePath('/mnt/a-b/-c'), '/mnt/a-b/-c');
});

test('safePath refuses option look-alikes, NUL, newlines and ".."', () => {
  for (const bad of ['', '-rf', '--', '/a\0b', '/a\nb', '/a\rb', '../etc', '/mnt/../etc', '/mnt/..']) {
    assert.throws(() => safePath(bad), { code: 'unsafe-argument' }, JSON.stringify(bad));
  }
});

test('safeName refuses slashes and "."', () => {
  assert.equal(safeName('@snap-2026'), '@snap-2026');
  assert.throws(() => safeName('a/b'), { code: 'unsafe-argument' });
  assert.throws(() => safeName('.'), { code: 'unsafe-argument' });
  assert.throws(() => safeName('..'), { code: 'unsafe-argument' });
});

test('safeDevice wants /dev/', () => {
  assert.equal(safeDevice('/dev/loop0'), '/dev/loop0');
  assert.throws(() => safeDevice('/tmp/disk.img'), { code: 'unsafe-argument' });
});

test('safeText allows leading dashes (option values) but not control characters', () => {
  assert.equal(safeText('-label'), '-label');
  assert.throws(() => safeText('a\nb'), { code: 'unsafe-argument' });
});
