// render --force renders past lint errors, but never past the guard: names disko pastes unquoted
// into shell (`mount … -o subvol=NAME`) are refused with the field and the offending character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';
import { specPlan } from './support/plans.ts';
import { renderJson } from '../src/render/json.ts';
import type { StoragePlan } from '../src/plan/types.ts';

async function renderForced(change: (plan: StoragePlan) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-guard-'));
  try {
    const plan = structuredClone(specPlan('hetzner'));
    change(plan);
    await writeFile(join(dir, 'plan.json'), renderJson(plan));
    return await runCli('render', 'disko', '--plan', join(dir, 'plan.json'), '--force');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const c of [';', '{', '}', '#', '|', '&', '<', '>']) {
  test(`render --force refuses ${JSON.stringify(c)} in a subvolume name, a mount option and a label (exit 3)`, async () => {
    const name = await renderForced((p) => { p.pools[0]!.subvolumes.find((s) => s.name === '@postgresql')!.name = `@pg${c}touch /tmp/pwned`; });
    assert.equal(name.code, 3, name.stderr);
    assert.equal(name.stdout, '', 'nothing rendered');
    assert.ok(name.stderr.includes(`subvolume name "@pg${c}touch /tmp/pwned" contains ${JSON.stringify(c)}`), name.stderr);
    assert.match(name.stderr, /render --force does not bypass this/);

    const option = await renderForced((p) => { p.pools[0]!.subvolumes[0]!.mountOptions.push(`noatime${c}reboot`); });
    assert.equal(option.code, 3, option.stderr);
    assert.ok(option.stderr.includes(`mount option "noatime${c}reboot" contains ${JSON.stringify(c)}`), option.stderr);

    const label = await renderForced((p) => { p.pools[0]!.label = `primary${c}x`; });
    assert.equal(label.code, 3, label.stderr);
    assert.ok(label.stderr.includes(`label "primary${c}x" contains ${JSON.stringify(c)}`), label.stderr);
  });
}

test('render --force still renders past lint errors the guard has no opinion on', async () => {
  const plan = structuredClone(specPlan('hetzner'));
  plan.pools[0]!.subvolumes.find((s) => s.name === '@var-cache')!.mountPoint = '/var/log';
  const dir = await mkdtemp(join(tmpdir(), 'panther-guard-'));
  try {
    await writeFile(join(dir, 'plan.json'), renderJson(plan));
    const refused = await runCli('render', 'disko', '--plan', join(dir, 'plan.json'));
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /duplicate-mount-point/);
    const forced = await runCli('render', 'disko', '--plan', join(dir, 'plan.json'), '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /disko\.devices/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
