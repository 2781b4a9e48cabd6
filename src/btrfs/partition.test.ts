import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { partitionPath, sgdiskArgs } from './partition.ts';
import { parseSfdiskJson, GPT_TYPE_GUIDS } from './partition-table.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('partitionPath follows the kernel naming rules', () => {
  assert.equal(partitionPath('/dev/sda', 1), '/dev/sda1');
  assert.equal(partitionPath('/dev/vdb', 2), '/dev/vdb2');
  assert.equal(partitionPath('/dev/loop0', 1), '/dev/loop0p1');
  assert.equal(partitionPath('/dev/nvme0n1', 3), '/dev/nvme0n1p3');
  assert.equal(partitionPath('/dev/mmcblk0', 1), '/dev/mmcblk0p1');
  assert.equal(partitionPath('/dev/disk/by-id/ata-X', 2), '/dev/disk/by-id/ata-X-part2');
});

test('sgdiskArgs writes one --new/--typecode/--change-name per partition', () => {
  assert.deepEqual(sgdiskArgs([
    { name: 'ESP', sizeBytes: 512 * 1024 * 1024, type: 'esp' },
    { name: 'root', sizeBytes: 'rest', type: 'linux' },
  ]), [
    '--clear',
    '--new=1:0:+524288K', '--typecode=1:EF00', '--change-name=1:ESP',
    '--new=2:0:0', '--typecode=2:8300', '--change-name=2:root',
  ]);
});

test('sgdiskArgs lists every problem at once', () => {
  try {
    sgdiskArgs([
      { name: 'a', sizeBytes: 'rest', type: 'linux' },
      { name: 'b\nc', sizeBytes: 1000, type: 'swap' as never },
    ]);
    assert.fail('expected an error');
  } catch (error) {
    const problems = (error as { details: { problems: string[] } }).details.problems;
    assert.equal((error as { code: string }).code, 'bad-partitions');
    assert.equal(problems.length, 4);
  }
});

test('parseSfdiskJson reads a GPT written by sgdisk', () => {
  const table = parseSfdiskJson(read('sfdisk-json-gpt.txt'));
  assert.equal(table.label, 'gpt');
  assert.deepEqual(table.partitions.map((p) => [p.node, p.name, p.type]), [
    ['/dev/loop3p1', 'bios', GPT_TYPE_GUIDS.bios],
    ['/dev/loop3p2', 'ESP', GPT_TYPE_GUIDS.esp],
    ['/dev/loop3p3', 'root', GPT_TYPE_GUIDS.linux],
  ]);
  assert.equal(table.partitions[1]?.sizeSectors, 32768);
});
