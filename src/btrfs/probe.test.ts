import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBlkidExport } from './probe.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseBlkidExport reads a filesystem, a partition table and a partition', () => {
  const btrfs = parseBlkidExport(read('blkid-btrfs.txt'));
  assert.equal(btrfs['TYPE'], 'btrfs');
  assert.equal(btrfs['LABEL'], 'caplabel');
  assert.equal(btrfs['PTTYPE'], undefined);
  const gpt = parseBlkidExport(read('blkid-gpt.txt'));
  assert.equal(gpt['PTTYPE'], 'gpt');
  assert.equal(gpt['TYPE'], undefined);
  const esp = parseBlkidExport(read('blkid-vfat-partition.txt'));
  assert.equal(esp['TYPE'], 'vfat');
  assert.equal(esp['PART_ENTRY_NAME'], 'ESP');
  assert.equal(esp['PART_ENTRY_TYPE'], 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
});
