// The btrfs edge against real btrfs on loop devices: every wrapper once, the No_COW and
// compression traps of docs/knowledge/btrfs.md §3–§4, and the error a user sees on a non-btrfs path.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSubvolume, snapshotSubvolume, deleteSubvolume, isSubvolume, listSubvolumes, showSubvolume,
  setNoCow, readAttrs, getCompression, setCompression, getReadonly,
  mkswapfile, filesystemUsage, showFilesystem, deviceStats, totalErrors, scrubStatus, scrubStart,
  mount, findMounts, findMountOf,
} from '../../src/btrfs/index.ts';
import { createLoopBtrfs, withLoopBtrfs, fixtureLeftovers, type LoopBtrfs } from '../support/loop-btrfs.ts';
import { skipReason } from '../support/requirements.ts';

const skip = skipReason();
const MiB = 1024 * 1024;

describe('btrfs edge on a loop btrfs', { skip }, () => {
  let fs: LoopBtrfs;
  const at = (...parts: string[]): string => join(fs.mountPoint, ...parts);

  before(async () => {
    fs = await createLoopBtrfs({ label: 'panther-edge', mountOptions: ['compress=zstd:3', 'noatime'] });
  });
  after(async () => {
    await fs?.dispose();
  });

  test('createSubvolume makes a subvolume that list and isSubvolume see', async () => {
    await createSubvolume(at('@data'));
    await mkdir(at('plain-dir'));
    assert.equal(await isSubvolume(at('@data')), true);
    assert.equal(await isSubvolume(at('plain-dir')), false);
    assert.equal(await isSubvolume(at('missing')), false);
    const entry = (await listSubvolumes(fs.mountPoint)).find((e) => e.path === '@data');
    assert.ok(entry, 'listed');
    assert.equal(entry.topLevelId, 5);
    assert.equal(entry.parentUuid, null);
  });

  test('setNoCow on an empty subvolume sets C, verified by lsattr', async () => {
    await createSubvolume(at('@db'));
    await setNoCow(at('@db'));
    assert.ok((await readAttrs(at('@db'))).has('C'));
    await writeFile(at('@db', 'new-file'), 'x');
    assert.ok((await readAttrs(at('@db', 'new-file'))).has('C'), 'new files inherit C');
  });

  test('setNoCow detects that C did not take on a non-empty file', async () => {
    await writeFile(at('@data', 'full.bin'), Buffer.alloc(64 * 1024, 1));
    await assert.rejects(setNoCow(at('@data', 'full.bin')), (error: { code: string; message: string }) => {
      assert.equal(error.code, 'nocow-not-applied');
      assert.match(error.message, /full\.bin/);
      return true;
    });
    assert.equal((await readAttrs(at('@data', 'full.bin'))).has('C'), false);
    await assert.rejects(setNoCow(at('@data')), { code: 'nocow-not-empty' });
  });

  test('compression property: zstd, none and reset', async () => {
    await createSubvolume(at('@logs'));
    assert.equal(await getCompression(at('@logs')), null);
    await setCompression(at('@logs'), 'zstd');
    assert.equal(await getCompression(at('@logs')), 'zstd');
    await setCompression(at('@logs'), 'none');
    assert.equal(await getCompression(at('@logs')), 'none');
    await setCompression(at('@logs'), '');
    assert.equal(await getCompression(at('@logs')), null);
  });

  test('compression on a +C directory is a clear error, not EINVAL', async () => {
    await mkdir(at('nocow-dir'));
    await setNoCow(at('nocow-dir'));
    await assert.rejects(setCompression(at('nocow-dir'), 'zstd'), (error: { code: string; message: string; hint: string }) => {
      assert.equal(error.code, 'compression-on-nocow');
      assert.match(error.message, /nocow-dir.*No_COW/);
      assert.match(error.hint, /chattr -C/);
      return true;
    });
  });

  test('read-only snapshot: list and show carry uuid and parent uuid', async () => {
    await createSubvolume(at('@home'));
    await writeFile(at('@home', 'f'), 'hello');
    await snapshotSubvolume(at('@home'), at('@home-snap'), { readonly: true });
    const source = await showSubvolume(at('@home'));
    const snap = await showSubvolume(at('@home-snap'));
    assert.equal(snap.readonly, true);
    assert.equal(snap.parentUuid, source.uuid);
    assert.notEqual(snap.uuid, source.uuid);
    assert.equal(snap.receivedUuid, null);
    assert.ok(snap.creationTime !== null && !Number.isNaN(Date.parse(snap.creationTime)));
    assert.deepEqual(source.snapshots, ['@home-snap']);
    assert.equal(await getReadonly(at('@home-snap')), true);
    const listed = (await listSubvolumes(fs.mountPoint)).find((e) => e.path === '@home-snap');
    assert.equal(listed?.id, snap.id);
    assert.equal(listed?.uuid, snap.uuid);
    assert.equal(listed?.parentUuid, source.uuid);
    await deleteSubvolume(at('@home-snap'), { commit: true });
    assert.equal(await isSubvolume(at('@home-snap')), false);
  });

  test('deleting a subvolume with a nested one says so', async () => {
    await createSubvolume(at('@outer'));
    await createSubvolume(at('@outer', 'inner'));
    await assert.rejects(deleteSubvolume(at('@outer')), (error: { message: string; hint: string }) => {
      assert.match(error.message, /@outer: subvolume not empty/);
      assert.match(error.hint, /nested subvolumes/);
      return true;
    });
    const below = await listSubvolumes(at('@outer'), { onlyBelow: true });
    assert.deepEqual(below.map((e) => e.path), ['@outer/inner']);
  });

  test('mkswapfile: mode 0600 and No_COW', async () => {
    await createSubvolume(at('@swap'));
    const swap = await mkswapfile(at('@swap', 'swapfile'), 32 * MiB);
    assert.deepEqual(swap, { path: at('@swap', 'swapfile'), sizeBytes: 32 * MiB, mode: 0o600, noCow: true });
    assert.equal((await stat(at('@swap', 'swapfile'))).mode & 0o777, 0o600);
    assert.ok((await readAttrs(at('@swap', 'swapfile'))).has('C'));
  });

  test('mkswapfile larger than the filesystem fails instead of leaving an empty file', async () => {
    await createSubvolume(at('@bigswap'));
    await assert.rejects(mkswapfile(at('@bigswap', 'swapfile'), 64 * 1024 * MiB), (error: { code: string; message: string }) => {
      assert.equal(error.code, 'swapfile-short');
      assert.match(error.message, /No space left/);
      return true;
    });
    await assert.rejects(stat(at('@bigswap', 'swapfile')), /ENOENT/);
  });

  test('filesystem usage and show match the image', async () => {
    const usage = await filesystemUsage(fs.mountPoint);
    assert.ok(Math.abs(usage.deviceSize - 256 * MiB) <= 4 * MiB, `device size ${usage.deviceSize}`);
    assert.equal(usage.deviceAllocated + usage.deviceUnallocated, usage.deviceSize);
    assert.equal(usage.dataRatio, 1);
    assert.ok(usage.freeEstimated > 0 && usage.freeEstimated < usage.deviceSize);
    const shown = await showFilesystem(fs.mountPoint);
    assert.equal(shown.uuid, fs.uuid);
    assert.equal(shown.label, 'panther-edge');
    assert.deepEqual(shown.devices.map((d) => d.path), fs.devices);
  });

  test('device stats are zero on a fresh filesystem', async () => {
    const stats = await deviceStats(fs.mountPoint);
    assert.deepEqual(stats.map((s) => s.device), fs.devices);
    assert.equal(totalErrors(stats), 0);
  });

  test('scrub status before and after a foreground scrub', async () => {
    const before = await scrubStatus(fs.mountPoint);
    assert.equal(before.hasStats, false);
    assert.equal(before.uuid, fs.uuid);
    const run = await scrubStart(fs.mountPoint);
    assert.equal(run.status, 'finished');
    assert.equal(run.uncorrectable, 0);
    assert.deepEqual(run.errors, {});
    const after = await scrubStatus(fs.mountPoint);
    assert.equal(after.hasStats, true);
    assert.equal(after.status, 'finished');
    assert.ok(after.startedText !== null);
  });

  test('findmnt shows subvolume mounts with their options', async () => {
    await createSubvolume(at('@root'));
    await createSubvolume(at('@root-home'));
    const root = join(fs.dir, 'root');
    await mkdir(root);
    await mount(fs.devices[0]!, root, ['subvol=@root', 'noatime']);
    await mkdir(join(root, 'home'));
    await mount(fs.devices[0]!, join(root, 'home'), ['subvol=@root-home', 'nodev']);
    const mounts = await findMounts(root);
    assert.deepEqual(mounts.map((m) => [m.target, m.subvol]), [[root, '/@root'], [join(root, 'home'), '/@root-home']]);
    assert.equal(mounts[0]?.options['noatime'], true);
    assert.equal(mounts[1]?.options['nodev'], true);
    // compress= is per filesystem (docs/knowledge/btrfs.md §1): the first mount's option shows on every mount.
    assert.equal(mounts[1]?.options['compress'], 'zstd:3');
    assert.equal(mounts[0]?.device, fs.devices[0]);
    assert.equal((await findMountOf(join(root, 'home')))?.subvol, '/@root-home');
    assert.deepEqual(await findMounts(join(root, 'not-a-mount')), []);
  });
});

describe('btrfs edge on two devices', { skip }, () => {
  test('RAID1 over two loop devices shows both and a data ratio of 2', async () => {
    await withLoopBtrfs({ count: 2, dataProfile: 'raid1', metadataProfile: 'raid1' }, async (fs) => {
      const shown = await showFilesystem(fs.mountPoint);
      assert.equal(shown.totalDevices, 2);
      assert.deepEqual(shown.devices.map((d) => d.path).sort(), [...fs.devices].sort());
      assert.equal((await filesystemUsage(fs.mountPoint)).dataRatio, 2);
      assert.equal((await deviceStats(fs.mountPoint)).length, 2);
    });
  });
});

describe('errors on a path that is not btrfs', { skip }, () => {
  test('every wrapper names the path and says "not a btrfs filesystem"', async () => {
    await withLoopBtrfs({}, async (fs) => {
      // A tmpfs of our own, so the test holds even where /tmp itself is btrfs.
      const plain = join(fs.dir, 'plain');
      await mkdir(plain);
      await mount('tmpfs', plain, ['size=8m'], { fstype: 'tmpfs' });
      const target = join(plain, 'x');
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['createSubvolume', () => createSubvolume(target)],
        ['showSubvolume', () => showSubvolume(plain)],
        ['listSubvolumes', () => listSubvolumes(plain)],
        ['filesystemUsage', () => filesystemUsage(plain)],
        ['getCompression', () => getCompression(plain)],
        ['deviceStats', () => deviceStats(plain)],
        ['scrubStatus', () => scrubStatus(plain)],
      ];
      for (const [name, call] of calls) {
        await assert.rejects(call(), (error: { code: string; message: string; hint: string }) => {
          assert.equal(error.code, 'command-failed', name);
          assert.match(error.message, /not a btrfs filesystem/, name);
          assert.ok(error.message.includes(plain), `${name}: ${error.message}`);
          assert.match(error.hint, /btrfs/, name);
          return true;
        });
      }
      // progs 6.2 exits 0 here after "cannot set NOCOW flag"; the wrapper must still fail.
      await assert.rejects(mkswapfile(join(plain, 'swap'), MiB));
      assert.equal(await isSubvolume(plain), false);
    });
  });

  test('hostile names are refused before anything runs', async () => {
    await assert.rejects(createSubvolume('-rf'), { code: 'unsafe-argument' });
    await assert.rejects(createSubvolume('/mnt/../etc/x'), { code: 'unsafe-argument' });
    await assert.rejects(createSubvolume('/mnt/a\nb'), { code: 'unsafe-argument' });
    await assert.rejects(mount('/dev/loop0', '/mnt', ['subvol=@,nodev']), { code: 'bad-mount-option' });
  });
});

test('the loop fixtures left nothing behind', { skip }, () => {
  assert.deepEqual(fixtureLeftovers(), []);
});
