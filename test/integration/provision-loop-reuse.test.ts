// A loop device stays usable after provisioning. Attached without --partscan, the kernel keeps the
// partitions partx registered even across losetup -d; the next layout on the same loop number
// (two partitions after three) failed with "partition nodes did not appear".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachLoop, detachLoop, findMounts, kernelPartitions, partitionGpt, readPartitionTable, umount } from '../../src/btrfs/index.ts';
import { releaseDir, trackDir } from '../support/cleanup.ts';
import { FIXTURE_PREFIX } from '../support/loop-btrfs.ts';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { runCli } from '../support/cli.ts';
import { specPlan } from '../support/plans.ts';
import { renderJson } from '../../src/render/json.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const MiB = 1024 ** 2;

interface Bench { dir: string; root: string; hetzner: string; yoga: string }

/** A tracked temp dir (released on failure and signals) with plan files and a root to mount below. */
async function withBench(fn: (b: Bench) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), FIXTURE_PREFIX));
  trackDir(dir);
  try {
    const root = join(dir, 'root');
    await mkdir(root);
    const hetzner = join(dir, 'hetzner.json');
    const yoga = join(dir, 'yoga.json');
    await writeFile(hetzner, renderJson(specPlan('hetzner')));
    await writeFile(yoga, renderJson(specPlan('yoga')));
    await fn({ dir, root, hetzner, yoga });
  } finally {
    await runCli('unmount', '--root', join(dir, 'root')).catch(() => undefined);
    const problems = releaseDir(dir);
    assert.deepEqual(problems, []);
  }
}

async function image(dir: string, name: string, sizeMiB: number): Promise<string> {
  const path = join(dir, name);
  const handle = await open(path, 'wx');
  try { await handle.truncate(sizeMiB * MiB); } finally { await handle.close(); }
  return path;
}

/** Kernel view (sysfs start/size in 512-byte sectors) equals the table on disk. */
async function assertKernelMatchesDisk(device: string): Promise<void> {
  const table = await readPartitionTable(device);
  const kernel = await kernelPartitions(device);
  assert.deepEqual(kernel, table.partitions.map((p) => p.node));
  for (const p of table.partitions) {
    const sys = `/sys/class/block/${p.node.slice('/dev/'.length)}`;
    const start = Number(await readFile(`${sys}/start`, 'utf8'));
    const size = Number(await readFile(`${sys}/size`, 'utf8'));
    assert.deepEqual([start * 512, size * 512], [p.startSector * table.sectorSize, p.sizeSectors * table.sectorSize], p.node);
  }
}

const provisionOnto = (plan: string, device: string, root: string, ...extra: string[]) =>
  runCli('provision', '--plan', plan, '--device', `primary=${device}`, '--root', root, '--fit-to-device', ...extra);

test('provision, unmount, detach, re-attach the same loop number, provision another layout: works, and unmount removes the partitions', { skip }, async () => {
  await withBench(async ({ dir, root, hetzner, yoga }) => {
    const device = await attachLoop(await image(dir, 'a.img', 1024), { partscan: false });
    const first = await provisionOnto(hetzner, device, root);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await kernelPartitions(device)).length, 3);
    const un = await runCli('unmount', '--root', root, '--json');
    assert.equal(un.code, 0, un.stderr);
    assert.deepEqual(un.json().forgotten, [`${device}p1`, `${device}p2`, `${device}p3`]);
    assert.deepEqual(await kernelPartitions(device), [], 'unmount leaves the partitions provision added');
    await detachLoop(device);
    const again = await attachLoop(await image(dir, 'b.img', 1024), { partscan: false, device });
    assert.equal(again, device);
    const second = await provisionOnto(yoga, device, root);
    assert.equal(second.code, 0, second.stderr);
    await assertKernelMatchesDisk(device);
    const doctor = await runCli('doctor', '--root', root, '--json');
    assert.deepEqual(doctor.json().findings.filter((f: { severity: string }) => f.severity === 'error'), []);
  });
});

test('stale partitions left on a loop number (detached without removing them) do not break the next, smaller layout', { skip }, async () => {
  await withBench(async ({ dir, root, yoga }) => {
    const device = await attachLoop(await image(dir, 'a.img', 1024), { partscan: false });
    // What provision used to leave behind: three partitions registered with partx.
    await partitionGpt(device, [
      { name: 'bios', sizeBytes: MiB, type: 'bios' }, { name: 'ESP', sizeBytes: 64 * MiB, type: 'esp' }, { name: 'root', sizeBytes: 'rest', type: 'linux' },
    ]);
    await detachLoop(device);
    assert.equal((await kernelPartitions(device)).length, 3, 'the kernel kept them across losetup -d');
    await attachLoop(await image(dir, 'b.img', 1024), { partscan: false, device });
    const next = await provisionOnto(yoga, device, root);
    assert.equal(next.code, 0, next.stderr);
    await assertKernelMatchesDisk(device);
  });
});

test('two layouts directly in a row on one loop device without --partscan', { skip }, async () => {
  await withBench(async ({ dir, root, hetzner, yoga }) => {
    const device = await attachLoop(await image(dir, 'a.img', 1024), { partscan: false });
    const first = await provisionOnto(hetzner, device, root);
    assert.equal(first.code, 0, first.stderr);
    // Unmount only the mounts (as umount -R would), leaving the partitions registered.
    for (const m of (await findMounts(root)).sort((a, b) => b.target.length - a.target.length)) await umount(m.target);
    assert.equal((await kernelPartitions(device)).length, 3);
    const second = await provisionOnto(yoga, device, root, '--yes');
    assert.equal(second.code, 0, second.stderr);
    await assertKernelMatchesDisk(device);
  });
});
