// End-to-end through the CLI: detect, plan, lint on the bundled reports and inventory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';

const F = (name: string) => join(import.meta.dirname, 'fixtures', 'facter', name)
const HOST = (name: string) => join(import.meta.dirname, '..', 'examples', 'facter', name);
const SHARED = (name: string) => join(import.meta.dirname, 'fixtures', 'facter', 'real', name);
const INVENTORY = join(import.meta.dirname, '..', 'examples', 'inventory.json');

test('detect prints the documented JSON shape and refuses with exit 3 when unsure', async () => {
  const ok = await runCli('detect', '--facter', HOST('zephyrus.json'), '--json');
  assert.equal(ok.code, 0);
  const d = ok.json();
  assert.equal(d.profile, 'dev-laptop');
  assert.equal(d.machine, 'laptop');
  assert.deepEqual(d.disks.map((x: any) => [x.device, x.transport, x.removable]), [['/dev/nvme0n1', 'nvme', false], ['/dev/nvme1n1', 'nvme', false]]);
  assert.ok(Array.isArray(d.ignored) && Array.isArray(d.evidence) && d.evidence.length > 0);

  const refused = await runCli('detect', '--facter', SHARED('vps-virtio-scsi.json'), '--json');
  assert.equal(refused.code, 3);
  assert.equal(refused.json().profile, null);
  assert.match(refused.json().reason, /unknown size/);
});

test('plan with an inventory checks the report against it and fails with the difference', async () => {
  const ok = await runCli('plan', '--inventory', INVENTORY, '--host', 'hetzner', '--facter', HOST('hetzner.json'), '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const plan = ok.json();
  assert.equal(plan.profile, 'production-vps');
  assert.equal(plan.profileSource, 'inventory');
  assert.match(plan.pools[0].device, /sda|scsi/);

  const wrong = await runCli('plan', '--inventory', INVENTORY, '--host', 'hetzner', '--facter', HOST('ovh.json'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /does not match the inventory entry of hetzner/);
  assert.match(wrong.stderr, /disks\[0\] \(\/dev\/sda\): not in the report; it has \/dev\/vda 200.0 GB virtio-blk/);
});

test('plan refuses to guess without an inventory, and accepts --profile as a decision', async () => {
  const refused = await runCli('plan', '--facter', SHARED('vps-virtio-blk.json'));
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /pin the host in an inventory|--profile/);
  const chosen = await runCli('plan', '--facter', SHARED('vps-virtio-blk.json'), '--profile', 'utility-vps', '--host', 'netcup', '--json');
  assert.equal(chosen.code, 0, chosen.stderr);
  // netcup's virtio disk has no serial, so no by-id name (docs/knowledge/facter.md §2): the by-path name is the stable one.
  assert.equal(chosen.json().pools[0].device, '/dev/disk/by-path/pci-0000:00:10.0');
});

test('a cloud volume larger than the boot disk never becomes the pool disk', async () => {
  const r = await runCli('plan', '--facter', F('trap-hetzner-with-volume.json'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const pool = r.json().pools[0];
  assert.equal(Math.round(pool.deviceSizeBytes / 1e9), 458);
});

test('plan --out writes a plan that lint and render read back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-cli-'));
  try {
    const out = join(dir, 'plan.json');
    const r = await runCli('plan', '--inventory', INVENTORY, '--host', 'zephyrus', '--facter', HOST('zephyrus.json'), '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pool secondary/);
    const written = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(written.host, 'zephyrus');
    const lint = await runCli('lint', '--plan', out, '--json');
    assert.equal(lint.code, 0, lint.stdout);
    assert.equal(lint.json().counts.error, 0);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...written, pools: [{ ...written.pools[0], subvolumes: [...written.pools[0].subvolumes, { ...written.pools[0].subvolumes[1] }] }] }));
    const bad = await runCli('lint', '--plan', join(dir, 'bad.json'), '--json');
    assert.equal(bad.code, 1);
    assert.ok(bad.json().findings.some((f: any) => f.id === 'duplicate-mount-point'));
    const render = await runCli('render', 'disko', '--plan', join(dir, 'bad.json'));
    assert.equal(render.code, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 and malformed input names the field', async () => {
  assert.equal((await runCli('plan', '--bogus')).code, 2);
  assert.equal((await runCli('nonsense')).code, 2);
  const bad = await runCli('detect', '--facter', F('malformed-disk-no-size.json'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /hardware\.disk\[2\]/);
});
