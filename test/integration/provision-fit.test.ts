// provision and doctor agree: the Hetzner plan onto devices smaller than planned. A device the
// planned sizes fit keeps them (4 GiB swapfile on 24 GiB); a smaller device is refused without
// --fit-to-device, and with it the shrunk sizes are printed and recorded, and doctor checks against
// the recorded plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLoopDevices, type LoopDevices } from '../support/loop-btrfs.ts';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { runCli } from '../support/cli.ts';
import { findMounts, probeDevice } from '../../src/btrfs/index.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const GiB = 1024 ** 3;
const PLAN_INPUT = ['--inventory', 'examples/inventory.json', '--host', 'hetzner', '--facter', 'examples/facter/hetzner.json'];

/** Doctor findings other than "never scrubbed", which every new filesystem rightly has. */
const relevant = (json: { findings: Array<{ id: string; subject: string; severity: string }> }): string[] =>
  json.findings.filter((f) => f.id !== 'scrub-never' && f.severity !== 'info').map((f) => `${f.id} [${f.subject}]`);

async function withDevice(sizeMiB: number, fn: (loops: LoopDevices, root: string) => Promise<void>): Promise<void> {
  const loops = await createLoopDevices([sizeMiB]);
  try {
    const root = join(loops.dir, 'root');
    await mkdir(root);
    await fn(loops, root);
  } finally {
    // Unmounts through the command under test first; the fixture then releases whatever is left.
    await runCli('unmount', '--root', join(loops.dir, 'root')).catch(() => undefined);
    await loops.dispose();
  }
}

test('hetzner onto 24 GiB: refused without --fit-to-device (every size fits), then the 4 GiB swapfile is laid down and doctor is clean', { skip }, async () => {
  await withDevice(24 * 1024, async ({ devices: [device] }, root) => {
    const refused = await runCli('provision', ...PLAN_INPUT, '--device', `primary=${device}`, '--root', root);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /pool primary: \/dev\/loop\d+ has 24\.0 GiB, the plan expects 426\.5 GiB/);
    assert.match(refused.stderr, /every planned size fits as it is/);
    assert.match(refused.stderr, /--fit-to-device/);
    assert.equal((await probeDevice(device!)).hasPartitionTable, null, 'the refusal touched the device');

    const done = await runCli('provision', ...PLAN_INPUT, '--device', `primary=${device}`, '--root', root, '--fit-to-device', '--json');
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(done.json().fitted.map((c: { what: string }) => c.what), ['device'], 'only the device size differs');
    assert.equal((await stat(join(root, 'swap/swapfile'))).size, 4 * GiB);
    const recorded = JSON.parse(await readFile(join(root, 'etc/panther/plan.json'), 'utf8'));
    assert.equal(recorded.pools[0].device, device);
    assert.equal(recorded.pools[0].subvolumes.find((s: { swapfile: unknown }) => s.swapfile !== null).swapfile.sizeBytes, 4 * GiB);

    const byRecord = await runCli('doctor', '--root', root, '--json');
    assert.equal(byRecord.code, 0, byRecord.stdout);
    assert.equal(byRecord.json().planSource, 'recorded');
    assert.equal(byRecord.json().host, 'hetzner');
    assert.deepEqual(relevant(byRecord.json()), []);
    // The reported failure: doctor --plan with the same plan said swapfile-invalid here.
    const planFile = join(root, '..', 'plan.json');
    const written = await runCli('plan', ...PLAN_INPUT, '--out', planFile);
    assert.equal(written.code, 0, written.stderr);
    const byPlan = await runCli('doctor', '--plan', planFile, '--root', root, '--json');
    assert.equal(byPlan.code, 0, byPlan.stdout);
    assert.deepEqual(relevant(byPlan.json()), []);
  });
});

test('hetzner onto 3 GiB: refused naming the sizes that would shrink; with --fit-to-device they are listed, recorded, and doctor is clean', { skip }, async () => {
  await withDevice(3 * 1024, async ({ devices: [device] }, root) => {
    const refused = await runCli('provision', ...PLAN_INPUT, '--device', `primary=${device}`, '--root', root);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /has 3\.00 GiB, the plan expects 426\.5 GiB/);
    assert.match(refused.stderr, /primary: ESP 512\.0 MiB → 384\.0 MiB/);
    assert.match(refused.stderr, /primary: swapfile @swap\/swapfile 4\.00 GiB → [\d.]+ MiB/);
    assert.equal((await probeDevice(device!)).hasPartitionTable, null, 'the refusal touched the device');

    const done = await runCli('provision', ...PLAN_INPUT, '--device', `primary=${device}`, '--root', root, '--fit-to-device');
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /sizes fitted to the device\(s\):\n {2}primary: device 426\.5 GiB → 3\.00 GiB\n {2}primary: ESP 512\.0 MiB → 384\.0 MiB\n {2}primary: swapfile @swap\/swapfile 4\.00 GiB → [\d.]+ MiB/);
    assert.match(done.stdout, /plan as applied recorded in .*\/etc\/panther\/plan\.json/);
    const recorded = JSON.parse(await readFile(join(root, 'etc/panther/plan.json'), 'utf8'));
    const swap = recorded.pools[0].subvolumes.find((s: { swapfile: unknown }) => s.swapfile !== null).swapfile.sizeBytes as number;
    assert.ok(swap < 4 * GiB);
    assert.equal((await stat(join(root, 'swap/swapfile'))).size, swap);

    const byRecord = await runCli('doctor', '--root', root, '--json');
    assert.equal(byRecord.code, 0, byRecord.stdout);
    assert.equal(byRecord.json().planSource, 'recorded');
    assert.deepEqual(relevant(byRecord.json()), []);
    const planFile = join(root, '..', 'plan.json');
    assert.equal((await runCli('plan', ...PLAN_INPUT, '--out', planFile)).code, 0);
    const byPlan = await runCli('doctor', '--plan', planFile, '--root', root, '--json');
    assert.equal(byPlan.code, 0, byPlan.stdout);
    assert.equal(byPlan.json().planSource, 'given+recorded');
    assert.deepEqual(relevant(byPlan.json()), []);
    assert.deepEqual(byPlan.json().findings.filter((f: { id: string }) => f.id === 'plan-fitted').map((f: { expected: string }) => f.expected),
      ['ESP 512.0 MiB (--plan)', 'swapfile @swap/swapfile 4.00 GiB (--plan)']);

    const un = await runCli('unmount', '--root', root, '--json');
    assert.equal(un.code, 0, un.stderr);
    assert.deepEqual(await findMounts(root), []);
  });
});
