import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { specPlan } from '../../test/support/plans.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { describeChange, fitPlan, MIN_POOL_BYTES } from './scale.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const swapOf = (plan: ReturnType<typeof specPlan>): number => plan.pools[0]!.subvolumes.find((s) => s.swapfile !== null)!.swapfile!.sizeBytes;

test('Hetzner on 24 GiB: every planned size fits, so nothing but the device size changes (the 4 GiB swapfile stays)', () => {
  const plan = specPlan('hetzner');
  const fit = fitPlan(plan, { primary: 24 * GiB });
  assert.equal(swapOf(fit.plan), 4 * GiB);
  assert.equal(fit.plan.pools[0]!.espSizeBytes, 512 * MiB);
  assert.deepEqual(fit.smaller, [{ pool: 'primary', device: plan.pools[0]!.device, plannedBytes: 458e9, deviceBytes: 24 * GiB }]);
  assert.deepEqual(fit.changes.map((c) => c.what), ['device']);
  assert.equal(fit.plan.pools[0]!.deviceSizeBytes, 24 * GiB);
});

test('a device too small for the planned sizes: only what does not fit shrinks, and every change is listed', () => {
  const plan = specPlan('hetzner');
  const fit = fitPlan(plan, { primary: 2 * GiB });
  const pool = fit.plan.pools[0]!;
  assert.equal(pool.espSizeBytes, 256 * MiB);
  assert.ok(swapOf(fit.plan) < 4 * GiB && swapOf(fit.plan) >= 256 * MiB, `${swapOf(fit.plan)}`);
  assert.deepEqual(fit.changes.map((c) => c.what), ['device', 'ESP', 'swapfile @swap/swapfile']);
  assert.match(describeChange(fit.changes[2]!), /^primary: swapfile @swap\/swapfile 4\.00 GiB → [\d.]+ MiB$/);
  assert.equal(swapOf(plan), 4 * GiB, 'the input plan is not changed');
  assert.equal(plan.pools[0]!.espSizeBytes, 512 * MiB, 'the input plan is not changed');
});

test('a device at least as large as planned changes no size', () => {
  const plan = specPlan('ovh');
  const fit = fitPlan(plan, { primary: 300e9 });
  assert.deepEqual(fit.changes, []);
  assert.deepEqual(fit.smaller, []);
  assert.equal(swapOf(fit.plan), swapOf(plan));
});

test('a device below the minimum is refused with exit 3, naming the sizes', () => {
  assert.throws(() => fitPlan(specPlan('hetzner'), { primary: MIN_POOL_BYTES - 1 }), (error: unknown) => {
    assert.ok(error instanceof PantherError);
    assert.equal(error.exitCode, ExitCode.refused);
    assert.match(error.message, /has 256\.0 MiB; at least 256\.0 MiB is needed \(the plan expects/);
    return true;
  });
});

test('sizes never grow, and shrink only when the device is smaller and they do not fit (property)', () => {
  const plan = specPlan('hetzner');
  fc.assert(fc.property(fc.integer({ min: MIN_POOL_BYTES, max: 600e9 }), (bytes) => {
    const fit = fitPlan(plan, { primary: bytes });
    const swap = swapOf(fit.plan);
    const esp = fit.plan.pools[0]!.espSizeBytes;
    assert.ok(swap <= 4 * GiB && esp <= 512 * MiB);
    if (bytes >= 458e9) assert.deepEqual(fit.changes, []);
    if (bytes >= 20 * GiB) assert.equal(swap, 4 * GiB, 'a 4 GiB swapfile fits in 20 GiB');
    // What was laid down fits: partitions + swapfile leave most of the btrfs partition free.
    assert.ok(esp + swap <= bytes / 2, `${bytes}: esp ${esp} + swap ${swap}`);
    for (const c of fit.changes) assert.ok(c.fittedBytes < c.plannedBytes, describeChange(c));
  }));
});
