// The specification's nix-unit tests (tests/nix/storage-unit-tests.nix) run here the way the flake's
// checks.storage-unit-tests runs them: `lib.debug.runTests` over the pinned nixpkgs lib, with the plans
// the CLI makes for the five hosts today. A failure list is printed whole; and a broken plan must make
// the named tests fail, so the suite cannot pass vacuously.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoragePlan } from '../../src/plan/types.ts';
import { nixString } from '../../src/render/nix.ts';
import { findNixInstantiate, nixEvalJson } from '../../src/render/verify/nix-instantiate.ts';
import { findNixLibs, nixLibsSkip } from '../support/nix-libs.ts';
import { specPlan } from '../support/plans.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const skip = findNixInstantiate() === null
  ? (process.env['CI'] === 'true' ? false : 'nix-instantiate not found (apt-get install -y nix-bin)')
  : nixLibsSkip();

const RUN = `{ lib, root, plansFile }:
let
  libs = import lib;
  tests = import (root + "/tests/nix/storage-unit-tests.nix") {
    lib = libs;
    storage = import (root + "/lib/storage") { lib = libs; };
    fixtures = root + "/test/fixtures/facter";
    plans = builtins.fromJSON (builtins.readFile plansFile);
  };
in { names = builtins.attrNames tests; failures = libs.debug.runTests tests; }
`;

interface Failure { name: string; expected: unknown; result: unknown }

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'panther-nix-unit-')); });
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

function fleet(): Record<string, StoragePlan> {
  return {
    zephyrus: specPlan('zephyrus', { features: ['databases'] }),
    yoga: specPlan('yoga'),
    hetzner: specPlan('hetzner'),
    contabo: specPlan('contabo'),
    ovh: specPlan('ovh'),
  };
}

async function run(plans: Record<string, StoragePlan>, name: string): Promise<{ names: string[]; failures: Failure[] }> {
  const plansFile = join(dir, `${name}.json`);
  await writeFile(plansFile, JSON.stringify(plans));
  const runner = join(dir, 'run.nix');
  await writeFile(runner, RUN);
  const libs = findNixLibs().libs!;
  return await nixEvalJson(runner, { args: { lib: libs.lib, root: nixString(ROOT), plansFile: nixString(plansFile) } }) as
    { names: string[]; failures: Failure[] };
}

describe('nix-unit: the specification\'s unit tests with lib.debug.runTests', { skip }, () => {
  test('all pass on the plans the CLI makes for the five hosts', async () => {
    const { names, failures } = await run(fleet(), 'fleet');
    assert.deepEqual(failures, [], JSON.stringify(failures, null, 2));
    for (const expected of ['testLaptopRetention', 'testServerRetention', 'testDatabasesNoCowAndUncompressed', 'testNixKeepsCow',
      'testContainersNoCow', 'testBackupWindowOffPeak', 'testLaptopRequiredSubvolumesExist']) {
      assert.ok(names.includes(expected), `${expected} is one of the ${names.length} tests`);
    }
  });

  test('they fail when the plan is wrong: a CoW @postgresql and a 04:00 backup window', async () => {
    const plans = fleet();
    const postgres = plans['hetzner']!.pools[0]!.subvolumes.find((s) => s.name === '@postgresql')!;
    postgres.cow = true;
    postgres.compression = 'zstd';
    plans['ovh']!.backup.window.weekdays = '04:00-06:00';
    const { failures } = await run(plans, 'broken');
    assert.deepEqual(failures.map((f) => f.name).sort(),
      ['testBackupTimerCalendar', 'testBackupWindowOffPeak', 'testDatabaseSubvolumesNoCowByAttribute', 'testDatabasesNoCowAndUncompressed'].sort());
  });
});
