import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMkfsBtrfs, mkfsBtrfs, mkfsVfat } from './mkfs.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseMkfsBtrfs reads the UUID and label', () => {
  assert.deepEqual(parseMkfsBtrfs(read('mkfs-btrfs.txt')), { uuid: '965fc183-aae0-4337-9083-fe1fd47381d7', label: 'caplabel' });
});

test('mkfs refuses hostile input before running anything', async () => {
  await assert.rejects(mkfsBtrfs([]), { code: 'bad-devices' });
  await assert.rejects(mkfsBtrfs(['/dev/loop0', '-f']), { code: 'unsafe-argument' });
  await assert.rejects(mkfsBtrfs(['/etc/passwd']), { code: 'unsafe-argument' });
  await assert.rejects(mkfsBtrfs(['/dev/loop0'], { label: 'a\nb' }), { code: 'unsafe-argument' });
  await assert.rejects(mkfsBtrfs(['/dev/loop0'], { dataProfile: 'raid1 --force' }), { code: 'bad-profile' });
  await assert.rejects(mkfsVfat('/dev/loop0p1', { label: 'MUCH-TOO-LONG' }), { code: 'bad-label' });
});
