import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../../test/support/plans.ts';
import { fitPlan } from '../scale.ts';
import { doctorPlan } from './plan-source.ts';

const GiB = 1024 ** 3;
const AT = '/mnt/etc/panther/plan.json';
const swapOf = (plan: ReturnType<typeof specPlan>): number => plan.pools[0]!.subvolumes.find((s) => s.swapfile !== null)!.swapfile!.sizeBytes;

test('without --plan doctor uses the recorded plan; without a recorded plan the given one', () => {
  const plan = specPlan('hetzner');
  assert.deepEqual(doctorPlan(null, plan, AT), { plan, source: 'recorded', notes: [] });
  assert.deepEqual(doctorPlan(plan, null, AT), { plan, source: 'given', notes: [] });
  assert.deepEqual(doctorPlan(null, null, AT), { plan: null, source: null, notes: [] });
});

test('--plan with a recorded plan fitted to a smaller device: the fitted sizes are used and listed as info', () => {
  const given = specPlan('hetzner');
  const recorded = fitPlan({ ...given, pools: given.pools.map((p) => ({ ...p, device: '/dev/loop7' })) }, { primary: 2 * GiB }).plan;
  const choice = doctorPlan(given, recorded, AT);
  assert.equal(choice.source, 'given+recorded');
  assert.equal(swapOf(choice.plan!), swapOf(recorded));
  assert.equal(choice.plan!.pools[0]!.device, given.pools[0]!.device, 'everything but the fitted sizes is --plan\'s');
  assert.deepEqual(choice.notes.map((n) => [n.id, n.severity, n.expected]), [
    ['plan-fitted', 'info', 'ESP 512.0 MiB (--plan)'],
    ['plan-fitted', 'info', 'swapfile @swap/swapfile 4.00 GiB (--plan)'],
  ]);
  assert.equal(swapOf(given), 4 * GiB, 'the given plan is not changed');
});

test('a recorded plan on a device as large as planned changes nothing; another layout is only noted', () => {
  const given = specPlan('hetzner');
  assert.deepEqual(doctorPlan(given, fitPlan(given, { primary: 500e9 }).plan, AT).notes, []);
  const other = doctorPlan(given, specPlan('ovh'), AT);
  assert.equal(other.plan, given);
  assert.deepEqual(other.notes.map((n) => [n.id, n.severity]), [['recorded-plan-differs', 'info']]);
});
