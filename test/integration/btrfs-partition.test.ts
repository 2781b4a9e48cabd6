// Partitioning a raw loop device the way provisioning will: probe (refuse data), GPT with ESP +
// btrfs, format both, probe again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import {
  probeDevice, partitionGpt, readPartitionTable, mkfsVfat, mkfsBtrfs, mount, GPT_TYPE_GUIDS,
} from '../../src/btrfs/index.ts';
import { withLoopDevices, fixtureLeftovers } from '../support/loop-btrfs.ts';
import { skipReason, BTRFS_TOOLS, PARTITION_TOOLS } from '../support/requirements.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS] });
const MiB = 1024 * 1024;

describe('partitioning a raw loop device', { skip }, () => {
  test('ESP + btrfs on GPT; probeDevice sees the table and the filesystems', async () => {
    await withLoopDevices([256], async ({ devices: [disk] }) => {
      assert.ok(disk);
      assert.deepEqual(await probeDevice(disk), {
        hasFilesystem: null, hasPartitionTable: null, label: null, uuid: null, tags: {},
      });

      const parts = await partitionGpt(disk, [
        { name: 'ESP', sizeBytes: 64 * MiB, type: 'esp' },
        { name: 'pool', sizeBytes: 'rest', type: 'linux' },
      ]);
      assert.deepEqual(parts, [`${disk}p1`, `${disk}p2`]);

      const probe = await probeDevice(disk);
      assert.equal(probe.hasPartitionTable, 'gpt');
      assert.equal(probe.hasFilesystem, null);

      const table = await readPartitionTable(disk);
      assert.equal(table.label, 'gpt');
      assert.deepEqual(table.partitions.map((p) => [p.node, p.name, p.type]), [
        [`${disk}p1`, 'ESP', GPT_TYPE_GUIDS.esp],
        [`${disk}p2`, 'pool', GPT_TYPE_GUIDS.linux],
      ]);
      assert.equal(table.partitions[0]!.sizeSectors * table.sectorSize, 64 * MiB);

      await mkfsVfat(parts[0]!, { label: 'esp', fatSize: 32 });
      const { uuid } = await mkfsBtrfs([parts[1]!], { label: 'pool' });
      const esp = await probeDevice(parts[0]!);
      assert.equal(esp.hasFilesystem, 'vfat');
      assert.equal(esp.label, 'ESP');
      assert.equal(esp.tags['PART_ENTRY_NAME'], 'ESP');
      const pool = await probeDevice(parts[1]!);
      assert.equal(pool.hasFilesystem, 'btrfs');
      assert.equal(pool.uuid, uuid);
    });
  });

  test('a device holding data is refused unless forced', async () => {
    await withLoopDevices([128], async ({ devices: [disk] }) => {
      assert.ok(disk);
      await mkfsBtrfs([disk], { label: 'precious' });
      const layout = [{ name: 'root', sizeBytes: 'rest', type: 'linux' }] as const;
      await assert.rejects(partitionGpt(disk, layout), (error: { code: string; message: string; exitCode: number }) => {
        assert.equal(error.code, 'device-not-empty');
        assert.match(error.message, /holds a btrfs filesystem/);
        assert.equal(error.exitCode, 3);
        return true;
      });
      assert.equal((await probeDevice(disk)).hasFilesystem, 'btrfs', 'untouched');

      const parts = await partitionGpt(disk, layout, { force: true });
      assert.deepEqual(parts, [`${disk}p1`]);
      const after = await probeDevice(disk);
      assert.equal(after.hasPartitionTable, 'gpt');
      assert.equal(after.hasFilesystem, null);
    });
  });

  test('a mounted device is refused even with force', async () => {
    await withLoopDevices([128], async ({ dir, devices: [disk] }) => {
      assert.ok(disk);
      await mkfsBtrfs([disk]);
      await mkdir(`${dir}/mnt`);
      await mount(disk, `${dir}/mnt`);
      await assert.rejects(partitionGpt(disk, [{ name: 'x', sizeBytes: 'rest', type: 'linux' }], { force: true }), { code: 'device-busy' });
    });
  });
});

test('the loop fixtures left nothing behind', { skip }, () => {
  assert.deepEqual(fixtureLeftovers(), []);
});
