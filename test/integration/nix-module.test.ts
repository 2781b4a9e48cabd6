// The `storage` NixOS module, evaluated with the pinned nixpkgs lib (lib.evalModules, NixOS options as
// stubs: test/support/eval-storage-module.nix) for each of the specification's hosts:
// - what it deploys agrees with the CLI: /etc/panther/plan.json is the plan (and passes the plan schema),
//   disko.devices is what `panther render disko` writes, the units are `panther render systemd`'s;
// - real disko (vendored) reads the module's layout and mounts what the plan says;
// - every unit passes `systemd-analyze verify`;
// - the specification's wrong advice and impossible combinations give warnings and assertion failures,
//   and the five hosts give none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlan } from '../../src/plan/parse-plan.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { renderDisko } from '../../src/render/disko.ts';
import { nixString } from '../../src/render/nix.ts';
import { DEFAULT_DRILL_OPTIONS, DEFAULT_DRILL_SCHEDULE, isPantherCommand, pantherDrillUnits, pantherServeUnit, pantherUnits, SERVE_SERVICE, type PantherUnit } from '../../src/render/systemd.ts';
import { caddySites, checkCidr, checkDomain, checkUpstream } from '../../src/render/caddy.ts';
import { findNixInstantiate, nixEvalJson } from '../../src/render/verify/nix-instantiate.ts';
import { findSystemdAnalyze, verifyUnits } from '../../src/render/verify/systemd-analyze.ts';
import { FILESYSTEM_WIDE_NAMES, checkOption } from '../../src/plan/mount-options.ts';
import { datadogChecks, datadogMainSettings } from '../../src/metrics/datadog-agent.ts';
import { findNixLibs, nixLibsSkip } from '../support/nix-libs.ts';
import { writeNixosUnit, type NixosUnit } from '../support/nixos-units.ts';
import { specPlan } from '../support/plans.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HARNESS = join(ROOT, 'test', 'support', 'eval-storage-module.nix');
const missingTool = (tool: string, pkg: string): string | false =>
  process.env['CI'] === 'true' ? false : `${tool} not found (apt-get install -y ${pkg})`;
const skip = findNixInstantiate() === null ? missingTool('nix-instantiate', 'nix-bin') : nixLibsSkip();
const skipAnalyze = skip !== false ? skip : findSystemdAnalyze() === null ? missingTool('systemd-analyze', 'systemd') : false;

interface Evaluated {
  failed: string[];
  warnings: string[];
  services: Record<string, NixosUnit>;
  timers: Record<string, NixosUnit>;
  tmpfiles: string[];
  etc: Record<string, string | null>;
  disko: unknown;
  fileSystems: Record<string, Record<string, unknown>>;
  scrub: { fileSystems: string[] } | null;
  postgresql: { initdbArgs?: unknown } | null;
  containers: unknown;
  datadog: { checks?: Record<string, any>; extraConfig?: Record<string, unknown>; enable?: boolean } | null;
  prometheus: { scrapeConfigs?: any[]; ruleFiles?: string[]; alertmanager?: { enable: boolean; configText: string } } | null;
  users: { users?: Record<string, { extraGroups?: string[] }> };
  caddy: { enable?: boolean; virtualHosts?: Record<string, { extraConfig: string }> } | null;
}

type Module = { import: string } | Record<string, unknown>;

let dir = '';
let pkg = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-nix-module-'));
  // A stand-in for the package: systemd-analyze verify checks that ExecStart's program exists.
  pkg = join(dir, 'panther-pkg');
  await mkdir(join(pkg, 'bin'), { recursive: true });
  await writeFile(join(pkg, 'bin', 'panther'), '#!/bin/sh\nexit 0\n');
  await chmod(join(pkg, 'bin', 'panther'), 0o755);
});
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

const HOSTS: Array<[name: string, make: () => StoragePlan]> = [
  ...['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'].map((h): [string, () => StoragePlan] => [h, () => specPlan(h)]),
  ['zephyrus+databases', () => specPlan('zephyrus', { features: ['databases'] })],
];

/** The module deploys exactly these units of the CLI's model: same settings, panther run from the package. */
function assertUnitsAgree(result: Evaluated, units: PantherUnit[]): void {
  for (const unit of units) {
    const [base, kind] = [unit.name.replace(/\.(service|timer)$/, ''), unit.name.endsWith('.timer') ? 'timer' : 'service'];
    const got = (kind === 'timer' ? result.timers : result.services)[base];
    assert.ok(got !== undefined, `${unit.name} is deployed`);
    assert.equal(got.description, unit.description, `${unit.name}: Description`);
    for (const w of unit.wants) assert.ok(got.wants.includes(w), `${unit.name}: Wants ${w}`);
    for (const a of unit.after) assert.ok(got.after.includes(a), `${unit.name}: After ${a}`);
    assert.deepEqual(got.wantedBy, unit.wantedBy, `${unit.name}: WantedBy`);
    const section = (kind === 'timer' ? got.timerConfig : got.serviceConfig)!;
    // A key the model repeats (LoadCredential) is a list in NixOS; the module may add entries after the model's.
    const repeated = new Set(unit.settings.map(([k]) => k).filter((k, i, all) => all.indexOf(k) !== i));
    for (const key of repeated) {
      const values = unit.settings.filter(([k]) => k === key).map(([, v]) => v);
      assert.deepEqual((section[key] as unknown[]).slice(0, values.length), values, `${unit.name}: ${key}`);
    }
    for (const [key, value] of unit.settings) {
      if (repeated.has(key)) continue;
      if (isPantherCommand(value)) {
        const exec = String(section[key]);
        const credentials = (value.credentialArgs ?? []).flatMap(([flag, name]) => [flag, `%d/${name}`]);
        assert.ok(exec.startsWith(`${pkg}/bin/panther ${[...value.pantherArgs.map((w) => w.replaceAll('%', '%%')), ...credentials].join(' ')} `), `${unit.name}: ExecStart ${exec}`);
        assert.ok(exec.includes(' --plan /etc/panther/plan.json'), `${unit.name}: the plan passed explicitly`);
      } else {
        assert.equal(section[key], value, `${unit.name}: ${key}`);
      }
    }
  }
}

let planCount = 0;
async function planFile(plan: StoragePlan): Promise<string> {
  const file = join(dir, `plan-${planCount++}.json`);
  await writeFile(file, JSON.stringify(plan));
  return file;
}

const B2 = 's3://fleet-backups/panther?region=eu-central-003&endpoint=https://s3.eu-central-003.backblazeb2.com';

/** The host file a user writes, with the secrets where agenix puts them. */
async function hostModules(plan: StoragePlan, storage: Record<string, unknown> = {}, extra: Module[] = [],
  profile = plan.machine === 'laptop' ? 'laptop' : 'server'): Promise<Module[]> {
  const backup = {
    enable: true, repository: B2, passphraseFile: '/run/agenix/panther-passphrase', credentialsFile: '/run/agenix/panther-b2',
    ...(storage['backup'] as Record<string, unknown> | undefined ?? {}),
  };
  return [
    { import: `modules/storage/profiles/${profile}.nix` },
    {
      storage: {
        enable: true,
        package: { type: 'derivation', name: 'panther-storage', outPath: pkg },
        planFile: await planFile(plan),
        ...storage,
        backup,
      },
    },
    ...extra,
  ];
}

async function evaluate(modules: Module[], withDisko = true): Promise<Evaluated> {
  const libs = findNixLibs().libs!;
  return await nixEvalJson(HARNESS, {
    args: { lib: libs.lib, root: nixString(ROOT), withDisko: withDisko ? 'true' : 'false' },
    argstrs: { modulesJson: JSON.stringify(modules) },
    timeoutMs: 120_000,
  }) as Evaluated;
}

async function evalNixValue(expression: string, args: Record<string, string> = {}): Promise<unknown> {
  const file = join(dir, `expr-${planCount++}.nix`);
  await writeFile(file, expression);
  return await nixEvalJson(file, { args });
}

describe('the storage module deploys each host as its plan says', { skip }, () => {
  for (const [name, make] of HOSTS) {
    test(`${name}: no warning, no failed assertion; plan.json, disko and units agree with the CLI`, async () => {
      const plan = make();
      const extra: Module[] = name.endsWith('+databases') ? [{ import: 'modules/storage/profiles/with-databases.nix' }] : [];
      if (plan.pools.some((p) => p.subvolumes.some((s) => s.workload === 'container'))) extra.push({ import: 'modules/storage/profiles/with-containers.nix' });
      const result = await evaluate(await hostModules(plan, {}, extra));
      assert.deepEqual(result.failed, [], 'no assertion fails');
      assert.deepEqual(result.warnings, [], 'no warning');

      // /etc/panther/plan.json: the plan itself, accepted by the CLI's schema.
      const deployed = JSON.parse(result.etc['panther/plan.json']!) as unknown;
      assert.deepEqual(parsePlan(deployed, 'plan.json'), plan);

      // disko.devices = what `panther render disko` writes, evaluated.
      const rendered = join(dir, `${name}-disko.nix`);
      await writeFile(rendered, renderDisko(plan));
      const cli = await nixEvalJson(rendered) as { disko: { devices: unknown } };
      assert.deepEqual(result.disko, cli.disko.devices);

      // Units: the ones `panther render systemd` writes, same settings, panther run from the package.
      // (panther-serve only when storage.serve.enable: its own tests below.)
      assertUnitsAgree(result, pantherUnits(plan).filter((u) => u.name !== SERVE_SERVICE));
      assert.equal(result.services['panther-serve'], undefined, 'serve is off by default');
      assert.equal(result.caddy, null, 'no Caddy by default');
      const backup = result.services['panther-backup-weekdays']!;
      assert.ok(String(backup.serviceConfig!['ExecStart']).includes(`--repo ${B2.replaceAll('%', '%%')} --passphrase-file %d/passphrase`));
      assert.deepEqual(backup.serviceConfig!['LoadCredential'],
        ['passphrase:/run/agenix/panther-passphrase', 's3-credentials:/run/agenix/panther-b2']);
      assert.deepEqual(backup.environment, { PANTHER_S3_CREDENTIALS_FILE: '%d/s3-credentials', PANTHER_METRICS: 'off' });
      assert.ok(!JSON.stringify(result).includes('AGE-SECRET-KEY'), 'no secret value anywhere');
      for (const level of ['integrity', 'restore', 'disaster']) {
        const drill = result.services[`panther-drill-${level}`]!;
        assert.equal(String(drill.serviceConfig!['ExecStart']), `${pkg}/bin/panther drill ${level} --scratch /var/lib/panther/drill --plan /etc/panther/plan.json --repo ${B2.replaceAll('%', '%%')} --passphrase-file %d/passphrase`);
        assert.deepEqual(drill.serviceConfig!['LoadCredential'], backup.serviceConfig!['LoadCredential'], `${level}: the backup's credentials`);
        assert.deepEqual(drill.environment, backup.environment, `${level}: the backup's environment`);
        assert.equal(drill.serviceConfig!['RestrictSUIDSGID'], false, `${level}: the model's value wins over the shared hardening`);
        assert.equal(drill.serviceConfig!['RestrictNamespaces'], undefined);
        assert.equal(drill.serviceConfig!['PrivateDevices'], undefined);
      }
      assert.ok(result.tmpfiles.includes('d /var/lib/panther/drill 0711 root root -'));
      for (const job of ['panther-backup-prune', 'panther-backup-check']) {
        assert.ok(result.services[job] !== undefined && result.timers[job] !== undefined, `${job} deployed`);
        assert.equal(result.services[job]!.serviceConfig!['CapabilityBoundingSet'], '', `${job}: no capability`);
      }

      // What `render nixos` used to write: +C rules for every mounted no-CoW subvolume, scrub per pool.
      const noCow = plan.pools.flatMap((p) => p.subvolumes.filter((s) => !s.cow && s.mountPoint !== null).map((s) => `h ${s.mountPoint!} - - - - +C`));
      assert.deepEqual(result.tmpfiles.filter((r) => r.startsWith('h ')), noCow);
      const snapshotDirs = plan.pools.flatMap((p) => p.subvolumes.filter((s) => plan.pools.some((q) => q.snapshotLocation?.pool === p.name && q.snapshotLocation.subvolume === s.name)))
        .map((s) => `z ${s.mountPoint!} 0700 root root -`);
      assert.ok(snapshotDirs.length >= 1);
      assert.deepEqual(result.tmpfiles.filter((r) => r.startsWith('z ')).sort(), snapshotDirs.sort(), 'snapshot directories root-only');
      const properties = result.services['panther-btrfs-properties']!;
      assert.deepEqual([properties.serviceConfig, properties.wantedBy, properties.after],
        [{ Type: 'oneshot', RemainAfterExit: true }, ['multi-user.target'], ['local-fs.target']]);
      assert.deepEqual(properties.script!.split('\n').filter(Boolean).sort(), plan.pools.flatMap((p) => p.subvolumes)
        .filter((s) => s.cow && s.mountPoint !== null)
        .map((s) => `/nix/store/00000000000000000000000000000000-btrfs-progs/bin/btrfs property set '${s.mountPoint!}' compression ${s.compression}`).sort());
      assert.equal(result.scrub!.fileSystems.length, plan.pools.length, 'one scrub mount per pool');
      for (const [i, point] of result.scrub!.fileSystems.entries()) {
        const mounts = plan.pools[i]!.subvolumes.map((s) => s.mountPoint);
        assert.equal(point, mounts.includes('/') ? '/' : mounts.find((m) => m !== null), `scrub of pool ${plan.pools[i]!.name}`);
      }
      assert.equal(result.fileSystems['/nix']?.['neededForBoot'], true);
      if (name.endsWith('+databases')) assert.deepEqual(result.postgresql?.initdbArgs, ['--data-checksums']);
    });
  }

  test('real disko reads the module\'s layout and mounts what the plan says (every host)', async () => {
    const libs = findNixLibs().libs!;
    for (const [name, make] of HOSTS) {
      const plan = make();
      const result = await evaluate(await hostModules(plan));
      const layout = join(dir, `${name}-module-disko.json`);
      await writeFile(layout, JSON.stringify(result.disko));
      const fileSystems = await evalNixValue(`{ lib, disko, layout }:
let
  libs = import lib;
  diskoLib = import (disko + "/lib") { lib = libs; makeTest = null; eval-config = null; qemu-common = null; };
  evaluated = libs.evalModules {
    modules = [ { freeformType = with libs.types; lazyAttrsOf (lazyAttrsOf anything); }
      (diskoLib.config { disko.devices = builtins.fromJSON (builtins.readFile layout); }) ];
  };
in builtins.mapAttrs (_: v: { inherit (v) fsType options; }) evaluated.config.fileSystems
`, { lib: libs.lib, disko: libs.disko, layout: nixString(layout) }) as Record<string, { fsType: string; options: string[] }>;
      const planned = plan.pools.flatMap((p) => p.subvolumes.filter((s) => s.mountPoint !== null).map((s) => ({ p, s })));
      assert.deepEqual(Object.entries(fileSystems).filter(([, f]) => f.fsType === 'btrfs').map(([mp]) => mp).sort(),
        planned.map(({ s }) => s.mountPoint!).sort(), `${name}: btrfs mounts`);
      for (const { p, s } of planned) {
        const options = fileSystems[s.mountPoint!]!.options;
        assert.ok(options.includes(`subvol=${s.name}`), `${name} ${s.name}: subvol=`);
        for (const o of [...p.filesystemOptions, ...s.mountOptions]) assert.ok(options.includes(o), `${name} ${s.name}: ${o}`);
      }
    }
  });
});

describe('every unit the module deploys passes systemd-analyze verify', { skip: skipAnalyze }, () => {
  for (const [name, make] of HOSTS) {
    test(name, async () => {
      const result = await evaluate(await hostModules(make()));
      const unitDir = join(dir, `units-${name}`);
      await mkdir(unitDir);
      for (const [unit, value] of Object.entries(result.services)) await writeNixosUnit(unitDir, unit, 'service', value);
      for (const [unit, value] of Object.entries(result.timers)) await writeNixosUnit(unitDir, unit, 'timer', value);
      const verified = await verifyUnits(unitDir);
      assert.deepEqual(verified.messages, [], `${name}: systemd-analyze verify printed nothing`);
      assert.equal(verified.files.length, Object.keys(result.services).length + Object.keys(result.timers).length);
    });
  }
});

describe('the specification\'s wrong advice and impossible settings: warnings and assertions', { skip }, () => {
  const zephyrus = () => specPlan('zephyrus');
  const hetzner = () => specPlan('hetzner');
  const failedWith = async (plan: StoragePlan, storage: Record<string, unknown>, extra: Module[] = [], profile?: string) =>
    (await evaluate(await hostModules(plan, storage, extra, profile))).failed;

  test('"@dev-projects".mountOptions = [ "nodatacow" ] (the spec\'s example) becomes +C on the subvolume, with a warning', async () => {
    const plan = zephyrus();
    const result = await evaluate(await hostModules(plan, { btrfs: { subvolumes: { '@dev-projects': { mountOptions: ['nodatacow'] } } } }));
    assert.deepEqual(result.failed, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /"@dev-projects"\.mountOptions: "nodatacow" is not a per-subvolume mount option.*NOTES 1.*chattr \+C/s);
    const dev = plan.pools[0]!.subvolumes.find((s) => s.name === '@dev-projects')!;
    assert.ok(result.tmpfiles.includes(`h ${dev.mountPoint!} - - - - +C`), 'a +C rule at every boot');
    const deployed = parsePlan(JSON.parse(result.etc['panther/plan.json']!), 'plan.json');
    const after = deployed.pools[0]!.subvolumes.find((s) => s.name === '@dev-projects')!;
    assert.deepEqual([after.cow, after.compression, after.mountOptions], [false, 'none', []]);
    const hook = JSON.stringify(result.disko);
    assert.ok(hook.includes(`chattr +C \\"$top\\"/'@dev-projects'`), 'disko sets +C on the empty subvolume root');
    assert.ok(!hook.includes('nodatacow'), 'never a nodatacow mount option');
  });

  test('filesystem-wide options in a subvolume\'s list are dropped with a warning; per-mount ones are kept', async () => {
    const result = await evaluate(await hostModules(zephyrus(), { btrfs: { subvolumes: { '@home': { mountOptions: ['noatime', 'nodev', 'ssd', 'discard=async'] } } } }));
    assert.deepEqual(result.failed, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /"ssd", "discard=async" apply to the whole filesystem/);
    const home = parsePlan(JSON.parse(result.etc['panther/plan.json']!), 'p').pools[0]!.subvolumes.find((s) => s.name === '@home')!;
    assert.deepEqual(home.mountOptions, ['noatime', 'nodev']);
  });

  const refusals: Array<[string, () => StoragePlan, Record<string, unknown>, RegExp, Module[]?, string?]> = [
    ['compression on a no-CoW subvolume', zephyrus, { btrfs: { subvolumes: { '@home': { mountOptions: ['nodatacow', 'compress=zstd:3'] } } } }, /compression "zstd" on a no-CoW subvolume cannot work.*set compression = "none"/],
    ['cow = false with compression = "zstd"', zephyrus, { btrfs: { subvolumes: { '@home': { cow: false, compression: 'zstd' } } } }, /cannot work/],
    ['cow = true contradicting "nodatacow"', zephyrus, { btrfs: { subvolumes: { '@home': { cow: true, mountOptions: ['nodatacow'] } } } }, /contradicts mountOptions "nodatacow"/],
    ['a subvolume the plan does not have', zephyrus, { btrfs: { subvolumes: { '@nope': { cow: false } } } }, /has no subvolume @nope; it has "@", "@home"/],
    ['an option that does not exist', zephyrus, { btrfs: { subvolumes: { '@home': { mountOptions: ['noatiem'] } } } }, /"noatiem" are not btrfs or mount\(8\) options/],
    ['an invalid compression', zephyrus, { btrfs: { subvolumes: { '@home': { mountOptions: ['compress=zstd:99'] } } } }, /not a valid compression/],
    ['a CoW swapfile subvolume', hetzner, { btrfs: { subvolumes: { '@swap': { cow: true } } } }, /holds the swapfile, which must be no-CoW/],
    ['a passphrase file in the Nix store', hetzner, { backup: { passphraseFile: '/nix/store/0000-passphrase' } }, /passphraseFile = \/nix\/store\/0000-passphrase is in the Nix store.*agenix/],
    ['a relative secret path', hetzner, { backup: { credentialsFile: 'secrets/b2' } }, /credentialsFile = "secrets\/b2" is not an absolute path/],
    ['a secret path with a space (LoadCredential= would split it)', hetzner, { backup: { credentialsFile: '/run/agenix/my b2' } }, /credentialsFile = "\/run\/agenix\/my b2" is not an absolute path without spaces/],
    ['passphrase and identity both', hetzner, { backup: { identityFile: '/run/agenix/id' } }, /exactly one of passphraseFile and identityFile/],
    ['neither passphrase nor identity', hetzner, { backup: { passphraseFile: null } }, /exactly one of passphraseFile and identityFile/],
    ['a B2 repository without credentials', hetzner, { backup: { credentialsFile: null } }, /needs an application key/],
    ['credentials named in the repository URL', hetzner, { backup: { repository: `${B2}&credentials=/root/b2` } }, /do not name a credentials file in the URL/],
    ['a window that is not one', hetzner, { backup: { window: { weekdays: '25:00-03:00' } } }, /backup.window.weekdays: "25:00-03:00" is not a window/],
    ['a stagger longer than the window', hetzner, { backup: { staggerMinutes: 500 } }, /a stagger of 500 minutes leaves no time/],
    ['a bandwidth that is not a rate', hetzner, { backup: { bandwidth: 'fast' } }, /storage.backup.bandwidth: "fast" is not a rate/],
    ['a laptop profile on a server plan', hetzner, {}, /storage.profile = "laptop", but .* is the plan of a vps.*import profiles\/server.nix/, [], 'laptop'],
    ['with-databases on a plan without databases', zephyrus, {}, /has no database subvolume; plan it with the databases feature/, [{ import: 'modules/storage/profiles/with-databases.nix' }]],
  ];
  for (const [what, plan, storage, message, extra, profile] of refusals) {
    test(`refused: ${what}`, async () => {
      const failed = await failedWith(plan(), storage, extra, profile);
      assert.ok(failed.some((m) => message.test(m)), `an assertion matching ${message}; got ${JSON.stringify(failed)}`);
    });
  }

  test('a pool without a mounted subvolume is not scrubbed; % in a mount point is escaped for tmpfiles', async () => {
    const plan = structuredClone(specPlan('zephyrus'));
    for (const s of plan.pools[1]!.subvolumes) s.mountPoint = null;
    plan.pools[0]!.subvolumes.find((s) => s.name === '@home')!.mountPoint = '/srv/100%';
    const result = await evaluate(await hostModules(plan, { btrfs: { subvolumes: { '@home': { cow: false } } } }));
    assert.deepEqual(result.scrub!.fileSystems, ['/']);
    assert.ok(result.tmpfiles.includes('h /srv/100%% - - - - +C'), result.tmpfiles.join('\n'));
  });

  test('refused: a hand-edited plan.json with names that would break out of scripts and tmpfiles lines', async () => {
    const plan = structuredClone(specPlan('hetzner'));
    const subs = plan.pools[0]!.subvolumes;
    subs.find((s) => s.name === '@home')!.name = '@home$(reboot)';
    subs.find((s) => s.name === '@redis')!.mountPoint = '/var/lib/re dis';
    subs.find((s) => s.name === '@log')!.mountOptions.push('noexec,exec');
    plan.pools[0]!.label = '-f';
    const failed = await failedWith(plan, {});
    for (const expected of [/@home\$\(reboot\): subvolume name may only use/, /mount point "\/var\/lib\/re dis" must be an absolute path without spaces/,
      /mount option "noexec,exec" may only use/, /label "-f" may only use/]) {
      assert.ok(failed.some((m) => expected.test(m)), `${expected}: ${JSON.stringify(failed)}`);
    }
  });

  test('imported but not enabled: nothing deployed, no plan read; enabled without a plan: the error says what to set', async () => {
    const off = await evaluate([{ import: 'modules/storage' }]);
    assert.deepEqual([off.failed, off.warnings, off.services, off.timers, off.tmpfiles, off.etc], [[], [], {}, {}, [], {}]);
    await assert.rejects(evaluate([{ import: 'modules/storage' }, { storage: { enable: true } }]),
      (e: unknown) => /storage\.planFile is not set: give the host's plan/.test(String((e as { details?: { stderr?: string } }).details?.stderr)));
  });

  test('refused: disko enabled without disko\'s module', async () => {
    const result = await evaluate(await hostModules(hetzner()), false);
    assert.ok(result.failed.some((m) => /disko's NixOS module is not imported/.test(m)), JSON.stringify(result.failed));
  });

  test('overrides reach the deployed plan and the timers: retention, window, stagger, bandwidth, budget, time zone', async () => {
    const result = await evaluate(await hostModules(hetzner(), {
      snapshots: { retention: { daily: 14 }, timezone: 'Europe/Berlin' },
      backup: { window: { weekdays: '01:00-04:00' }, staggerMinutes: 30, bandwidth: '5Mbit', budget: 2.5 },
    }));
    assert.deepEqual(result.failed, []);
    const deployed = parsePlan(JSON.parse(result.etc['panther/plan.json']!), 'p');
    const snapshotted = deployed.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null);
    assert.ok(snapshotted.length > 0 && snapshotted.every((s) => s.snapshots!.daily === 14 && s.snapshots!.weekly === 12));
    assert.deepEqual(deployed.backup, { window: { weekdays: '01:00-04:00', weekends: '02:00-06:00' }, staggerMinutes: 30, bandwidthBitsPerSecond: 5_000_000, monthlyBudgetUsd: 2.5 });
    assert.equal(deployed.snapshots.timezone, 'Europe/Berlin');
    assert.equal(result.timers['panther-backup-weekdays']!.timerConfig!['OnCalendar'], 'Mon..Fri *-*-* 01:30:00 Europe/Berlin');
    assert.match(String(result.services['panther-backup-weekdays']!.serviceConfig!['ExecStart']), / --window 01:30-04:00 /);
    // The CLI's own renderer gives the same units for the deployed plan.
    const weekdays = pantherUnits(deployed).find((u) => u.name === 'panther-backup-weekdays.timer')!;
    assert.equal(weekdays.settings.find(([k]) => k === 'OnCalendar')![1], 'Mon..Fri *-*-* 01:30:00 Europe/Berlin');
  });

  test('the five hosts with their profile modules: no warning, no failed assertion (also with an identity file)', async () => {
    for (const host of ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh']) {
      const result = await evaluate(await hostModules(specPlan(host), { backup: { passphraseFile: null, identityFile: '/run/secrets/panther-identity' } }));
      assert.deepEqual([result.failed, result.warnings], [[], []], host);
      assert.match(String(result.services['panther-backup-weekends']!.serviceConfig!['ExecStart']), / --identity-file %d\/identity$/);
    }
  });
});

describe('restore drills: storage.drill.* gives the units `render systemd` gives for the same options', { skip }, () => {
  const hetzner = () => specPlan('hetzner');
  const drillNames = (r: Evaluated): string[] => [...Object.keys(r.services), ...Object.keys(r.timers)].filter((n) => n.startsWith('panther-drill-'));

  test('options: scratch dir, budget, another calendar, a level off; the CLI\'s renderer gives the same units; time zone added', async () => {
    const plan = specPlan('contabo', { timezone: 'Europe/Berlin' });
    const drill = { scratchDir: '/srv/drill', budgetUsd: 0.5, schedule: { restore: '*-*-15 13:00:00', disaster: null } };
    const result = await evaluate(await hostModules(plan, { drill }));
    assert.deepEqual([result.failed, result.warnings], [[], []]);
    const expected = pantherDrillUnits(plan, { ...DEFAULT_DRILL_OPTIONS, scratchDir: '/srv/drill', budgetUsd: 0.5, schedule: { ...DEFAULT_DRILL_SCHEDULE, restore: '*-*-15 13:00:00', disaster: null } });
    assertUnitsAgree(result, expected);
    assert.deepEqual(drillNames(result).sort(), expected.map((u) => u.name.replace(/\.(service|timer)$/, '')).sort());
    assert.equal(result.timers['panther-drill-restore']!.timerConfig!['OnCalendar'], '*-*-15 13:00:00 Europe/Berlin');
    assert.match(String(result.services['panther-drill-integrity']!.serviceConfig!['ExecStart']), /drill integrity --scratch \/srv\/drill --budget-usd 0\.5 --plan /);
    assert.ok(result.tmpfiles.includes('d /srv/drill 0711 root root -'));
  });

  test('the host\'s PostgreSQL and Redis go on the drill services\' PATH when it runs them, not otherwise', async () => {
    const postgres = { type: 'derivation', name: 'postgresql-16.4', outPath: '/nix/store/00000000000000000000000000000000-postgresql-16.4' };
    const redis = { type: 'derivation', name: 'redis-7.2', outPath: '/nix/store/00000000000000000000000000000000-redis-7.2' };
    const plan = specPlan('zephyrus', { features: ['databases'] });
    const off = await evaluate(await hostModules(plan, {}, [{ import: 'modules/storage/profiles/with-databases.nix' }]));
    assert.equal((off.services['panther-drill-restore'] as { path?: unknown }).path, undefined);
    const on = await evaluate(await hostModules(plan, {}, [{ import: 'modules/storage/profiles/with-databases.nix' },
      { services: { postgresql: { enable: true, package: postgres }, redis: { package: redis, servers: { '': { enable: true } } } } }]));
    assert.deepEqual(on.failed, []);
    for (const level of ['integrity', 'restore', 'disaster']) {
      assert.deepEqual((on.services[`panther-drill-${level}`] as { path?: unknown }).path, [postgres.outPath, redis.outPath], level);
    }
  });

  test('off with the backup (its default follows storage.backup.enable), or switched off alone', async () => {
    const noBackup = await evaluate(await hostModules(hetzner(), { backup: { enable: false } }));
    assert.deepEqual([noBackup.failed, drillNames(noBackup)], [[], []]);
    const off = await evaluate(await hostModules(hetzner(), { drill: { enable: false } }));
    assert.deepEqual([off.failed, drillNames(off)], [[], []]);
    assert.ok(off.services['panther-backup-weekdays'] !== undefined);
  });

  const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a relative scratch dir', { drill: { scratchDir: 'var/drill' } }, /storage.drill.scratchDir = "var\/drill" is not an absolute path/],
    ['a scratch dir with ..', { drill: { scratchDir: '/var/lib/../../etc' } }, /is not an absolute path/],
    ['a scratch dir in the Nix store', { drill: { scratchDir: '/nix/store/x-drill' } }, /is in the Nix store, which is read-only/],
    ['a scratch dir on /tmp', { drill: { scratchDir: '/tmp/drill' } }, /not \/, a tmpfs, \/tmp/],
    ['the root as scratch dir', { drill: { scratchDir: '/' } }, /a directory of its own/],
    ['a scratch dir with a space', { drill: { scratchDir: '/srv/my drill' } }, /contains white space/],
    ['a negative budget', { drill: { budgetUsd: -0.5 } }, /budgetUsd = -0.5 is not an amount of USD/],
    ['a calendar of two lines', { drill: { schedule: { integrity: 'Thu 12:00\nExecStartPre=/bin/sh' } } }, /an OnCalendar expression is one line/],
    ['drills enabled without the backup', { backup: { enable: false }, drill: { enable: true } }, /a drill restores from the offsite repository; enable storage.backup/],
  ];
  for (const [what, storage, message] of refusals) {
    test(`refused: ${what}`, async () => {
      const result = await evaluate(await hostModules(hetzner(), storage));
      assert.ok(result.failed.some((m) => message.test(m)), `${message}: ${JSON.stringify(result.failed)}`);
    });
  }
});

describe('the Nix mount-option table agrees with the CLI\'s (src/plan/mount-options.ts)', { skip }, () => {
  test('every name the module treats as filesystem-wide is, and every per-mount flag is', async () => {
    const libs = findNixLibs().libs!;
    const table = await evalNixValue(`{ lib, root }: let s = import (root + "/lib/storage") { lib = import lib; }; in
      { inherit (s.mountOptions) perMountFlags userspaceFlags filesystemNames; }`, { lib: libs.lib, root: nixString(ROOT) }) as
      { perMountFlags: string[]; userspaceFlags: string[]; filesystemNames: string[] };
    assert.deepEqual([...table.filesystemNames].sort(), [...FILESYSTEM_WIDE_NAMES].sort(), 'filesystem-wide names');
    for (const flag of table.perMountFlags) {
      const checked = checkOption(flag);
      assert.ok(checked.ok && checked.option.scope === 'mount', `${flag} is per mount`);
    }
    for (const flag of table.userspaceFlags) {
      const checked = checkOption(flag);
      assert.ok(checked.ok && checked.option.scope === 'userspace', `${flag} is userspace`);
    }
  });
});

describe('monitoring: the exporter, the collector, the Datadog agent\'s checks, the Prometheus job', { skip }, () => {
  const hetzner = () => specPlan('hetzner');
  const exec = (u: NixosUnit | undefined) => String(u?.serviceConfig?.['ExecStart']);

  test('off (the default): no exporter, and every panther service runs with PANTHER_METRICS=off', async () => {
    const result = await evaluate(await hostModules(hetzner()));
    assert.equal(result.services['panther-metrics'], undefined);
    for (const [name, unit] of Object.entries(result.services).filter(([n]) => n.startsWith('panther-') && n !== 'panther-btrfs-properties')) {
      assert.equal(unit.environment?.['PANTHER_METRICS'], 'off', name);
    }
  });

  test('on: the exporter on loopback with the plan, read-only capabilities; runs send (no PANTHER_METRICS)', async () => {
    const result = await evaluate(await hostModules(hetzner(), { monitoring: { enable: true, snapshotSizes: true, environment: { DD_TAGS: 'env:prod' } } }));
    assert.deepEqual(result.failed, []);
    const exporter = result.services['panther-metrics']!;
    assert.equal(exec(exporter), `${pkg}/bin/panther metrics serve --listen 127.0.0.1:9977 --plan /etc/panther/plan.json --snapshot-sizes`);
    assert.deepEqual(exporter.serviceConfig!['CapabilityBoundingSet'], ['CAP_SYS_ADMIN', 'CAP_DAC_READ_SEARCH']);
    assert.deepEqual(exporter.wantedBy, ['multi-user.target']);
    assert.equal(result.services['panther-snapshot']!.environment?.['PANTHER_METRICS'], undefined);
    assert.equal(result.services['panther-snapshot']!.environment?.['DD_TAGS'], 'env:prod');
    assert.equal(result.timers['panther-metrics-collect'], undefined, 'no collector timer without Datadog');
  });

  test('Datadog over DogStatsD: collector timer, systemd check and journald logs for every panther unit', async () => {
    const result = await evaluate(await hostModules(hetzner(), { monitoring: { enable: true, datadog: { enable: true } } },
      [{ services: { 'datadog-agent': { enable: true } } }]));
    assert.deepEqual(result.failed, []);
    assert.equal(exec(result.services['panther-metrics-collect']), `${pkg}/bin/panther metrics collect --plan /etc/panther/plan.json`);
    assert.equal(result.timers['panther-metrics-collect']!.timerConfig!['OnCalendar'], '*:0/5');
    const units = Object.keys(result.services).filter((n) => n.startsWith('panther-')).map((n) => `${n}.service`).sort();
    const checks = result.datadog!.checks!;
    assert.deepEqual([...checks['systemd'].instances[0].unit_names].sort(), units);
    assert.deepEqual([...checks['journald'].logs[0].include_units].sort(), units);
    assert.equal(checks['openmetrics'], undefined, 'one source at a time');
    assert.deepEqual(result.datadog!.extraConfig, { use_dogstatsd: true, logs_enabled: true });
    assert.deepEqual(result.users.users?.['datadog']?.extraGroups, ['systemd-journal']);
    // The same checks `panther render datadog-agent` writes for these units.
    const expected = datadogChecks({ units: checks['systemd'].instances[0].unit_names, source: 'dogstatsd', logs: true, listen: '127.0.0.1:9977' });
    assert.deepEqual(checks, expected);
    assert.deepEqual(result.datadog!.extraConfig, datadogMainSettings({ units: [], source: 'dogstatsd', logs: true, listen: '' }));
  });

  test('Datadog over OpenMetrics: the check scrapes the exporter, no collector timer', async () => {
    const result = await evaluate(await hostModules(hetzner(), { monitoring: { enable: true, exporter: { listen: '127.0.0.1:9100' }, datadog: { enable: true, source: 'openmetrics', logs: false } } },
      [{ services: { 'datadog-agent': { enable: true } } }]));
    assert.deepEqual(result.failed, []);
    assert.equal(result.datadog!.checks!['openmetrics'].instances[0].openmetrics_endpoint, 'http://127.0.0.1:9100/metrics');
    assert.equal(result.services['panther-metrics-collect'], undefined);
    assert.equal(result.datadog!.checks!['journald'], undefined);
    assert.deepEqual(result.datadog!.checks, datadogChecks({
      units: result.datadog!.checks!['systemd'].instances[0].unit_names, source: 'openmetrics', logs: false, listen: '127.0.0.1:9100',
    }));
  });

  test('self-hosted Prometheus: scrape job with the host label, rule file and Alertmanager config', async () => {
    const rules = join(dir, 'rules.yml');
    const alertmanager = join(dir, 'alertmanager.yml');
    await writeFile(rules, 'groups: []\n');
    await writeFile(alertmanager, 'route:\n  receiver: email\nreceivers:\n  - name: email\n');
    const result = await evaluate(await hostModules(hetzner(), { monitoring: { enable: true, prometheus: { enable: true, ruleFile: rules, alertmanagerConfigFile: alertmanager } } }));
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.prometheus!.scrapeConfigs, [{ job_name: 'panther', scrape_interval: '60s', static_configs: [{ targets: ['127.0.0.1:9977'], labels: { host: 'hetzner' } }] }]);
    assert.deepEqual(result.prometheus!.ruleFiles, [rules]);
    assert.equal(result.prometheus!.alertmanager!.configText, 'route:\n  receiver: email\nreceivers:\n  - name: email\n');
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['Datadog without the agent', { enable: true, datadog: { enable: true } }, /enable the agent itself too/],
    ['Datadog without monitoring', { datadog: { enable: true } }, /needs storage.monitoring.enable = true/],
    ['OpenMetrics without the exporter', { enable: true, exporter: { enable: false }, datadog: { enable: true, source: 'openmetrics' } }, /keep storage.monitoring.exporter.enable = true/],
    ['Prometheus without monitoring', { prometheus: { enable: true } }, /scrapes the exporter: set storage.monitoring.enable = true/],
  ];
  for (const [what, monitoring, message] of refused) {
    test(`refused: ${what}`, async () => {
      const extra: Module[] = what === 'Datadog without the agent' ? [] : [{ services: { 'datadog-agent': { enable: true } } }];
      const result = await evaluate(await hostModules(hetzner(), { monitoring }, extra));
      assert.ok(result.failed.some((m) => message.test(m)), `${message}: ${JSON.stringify(result.failed)}`);
    });
  }

  test('refused by type: an exporter address off loopback', async () => {
    await assert.rejects(evaluate(await hostModules(hetzner(), { monitoring: { enable: true, exporter: { listen: '0.0.0.0:9977' } } })),
      (e: unknown) => /storage\.monitoring\.exporter\.listen/.test(String((e as { details?: { stderr?: string } }).details?.stderr)));
  });
});

describe('monitoring units pass systemd-analyze verify', { skip: skipAnalyze }, () => {
  test('hetzner with the exporter and the Datadog collector timer', async () => {
    const result = await evaluate(await hostModules(specPlan('hetzner'), { monitoring: { enable: true, datadog: { enable: true } } },
      [{ services: { 'datadog-agent': { enable: true } } }]));
    const unitDir = join(dir, 'units-monitoring');
    await mkdir(unitDir);
    for (const [unit, value] of Object.entries(result.services)) await writeNixosUnit(unitDir, unit, 'service', value);
    for (const [unit, value] of Object.entries(result.timers)) await writeNixosUnit(unitDir, unit, 'timer', value);
    assert.ok(result.services['panther-metrics'] && result.timers['panther-metrics-collect']);
    const verified = await verifyUnits(unitDir);
    assert.deepEqual(verified.messages, []);
  });
});

describe('serve: storage.serve.* gives the unit `render systemd` gives and the blocks `render caddy` gives', { skip }, () => {
  const TOKENS = { readTokenFile: '/run/agenix/panther-read-token', adminTokenFile: '/run/agenix/panther-admin-token' };

  test('the unit agrees with the CLI\'s model, tokens as credentials, no repository secrets (the API never reads it); fleet file; Caddy virtual hosts', async () => {
    for (const host of ['zephyrus', 'hetzner']) {
      const plan = specPlan(host);
      const fleet = { hetzner: 'https://backup-status.hbohlen.systems', yoga: 'http://100.64.0.12:9720' };
      const result = await evaluate(await hostModules(plan, { serve: { enable: true, ...TOKENS, fleet, caddy: { enable: true, domain: 'hbohlen.systems' } } }));
      assert.deepEqual([result.failed, result.warnings], [[], []], host);
      const expected = pantherServeUnit(plan, { listen: '127.0.0.1:9720', allowRemote: false, ...TOKENS, fleetFile: '/etc/panther/fleet.json', trustProxy: true });
      assertUnitsAgree(result, [expected]);
      const serve = result.services['panther-serve']!;
      assert.equal(String(serve.serviceConfig!['ExecStart']),
        `${pkg}/bin/panther serve --listen 127.0.0.1:9720 --state-dir /var/lib/panther/state --fleet /etc/panther/fleet.json --trust-proxy --read-token-file %d/read-token --admin-token-file %d/admin-token --plan /etc/panther/plan.json`);
      assert.deepEqual(serve.serviceConfig!['LoadCredential'], ['read-token:/run/agenix/panther-read-token', 'admin-token:/run/agenix/panther-admin-token'],
        'the tokens only: the repository\'s key and the bucket credentials stay out of the API\'s reach');
      assert.equal(serve.environment?.['PANTHER_S3_CREDENTIALS_FILE'], undefined);
      assert.equal(serve.serviceConfig!['ProtectSystem'], 'strict', 'the model\'s strict wins over the shared "full"');
      assert.equal(serve.serviceConfig!['DynamicUser'], undefined);
      assert.equal(serve.serviceConfig!['NoNewPrivileges'], true, 'the shared hardening');
      assert.ok(!JSON.stringify(serve).includes('AGE-SECRET-KEY'));
      assert.deepEqual(JSON.parse(result.etc['panther/fleet.json']!), fleet);
      // The same blocks `panther render caddy --domain hbohlen.systems` writes, one tab less (NixOS writes the braces).
      const sites = caddySites({ domain: 'hbohlen.systems' });
      assert.equal(result.caddy!.enable, true);
      assert.deepEqual(result.caddy!.virtualHosts, Object.fromEntries(sites.map((site) => [site.address, { extraConfig: site.body.map((l) => l.slice(1)).join('\n') }])));
    }
  });

  test('other listen address, remote, allowed ranges; a wildcard listen is reached over loopback', async () => {
    const plan = specPlan('ovh');
    const fleetTokenFile = '/run/agenix/panther-fleet-token';
    const result = await evaluate(await hostModules(plan, { serve: { enable: true, ...TOKENS, fleetTokenFile, listen: '0.0.0.0:9800', allowRemote: true, caddy: { enable: true, domain: 'example.org', allow: ['10.0.0.0/8', '2001:db8::/32'] } } }));
    assert.deepEqual(result.failed, []);
    assertUnitsAgree(result, [pantherServeUnit(plan, { listen: '0.0.0.0:9800', allowRemote: true, ...TOKENS, fleetFile: null, fleetTokenFile, trustProxy: true })]);
    assert.match(String(result.services['panther-serve']!.serviceConfig!['ExecStart']), / serve --listen 0\.0\.0\.0:9800 --state-dir \/var\/lib\/panther\/state --allow-remote --trust-proxy --read-token-file .* --fleet-token-file %d\/fleet-token /);
    assert.ok((result.services['panther-serve']!.serviceConfig!['LoadCredential'] as string[]).includes(`fleet-token:${fleetTokenFile}`));
    const sites = caddySites({ domain: 'example.org', upstream: '127.0.0.1:9800', allow: ['10.0.0.0/8', '2001:db8::/32'] });
    assert.deepEqual(Object.keys(result.caddy!.virtualHosts!), sites.map((s) => s.address));
    for (const site of sites) assert.equal(result.caddy!.virtualHosts![site.address]!.extraConfig, site.body.map((l) => l.slice(1)).join('\n'));
    assert.equal(result.etc['panther/fleet.json'], undefined, 'no fleet, no file');
  });

  test('without Caddy the service trusts no X-Forwarded-For (every client is its own peer)', async () => {
    const plan = specPlan('yoga');
    const result = await evaluate(await hostModules(plan, { serve: { enable: true, ...TOKENS } }));
    assert.deepEqual(result.failed, []);
    assertUnitsAgree(result, [pantherServeUnit(plan, { listen: '127.0.0.1:9720', allowRemote: false, ...TOKENS, fleetFile: null })]);
    assert.doesNotMatch(String(result.services['panther-serve']!.serviceConfig!['ExecStart']), /--trust-proxy/);
  });

  test('lib/storage/caddy.nix accepts and refuses what src/render/caddy.ts does (domains, ranges, upstreams)', async () => {
    const libs = findNixLibs().libs!;
    const cases = {
      domain: ['hbohlen.systems', 'a-1.b2.example', 'hbohlen.systems {', 'a b.systems', 'x.systems\nimport /etc/passwd', '"x".systems', '{env.HOME}.systems', '*.hbohlen.systems',
        'systems', '', 'HBOHLEN.systems', '-x.systems', 'x..systems', 'x.systems.', `${'a'.repeat(64)}.systems`, 'x.systems/api'],
      cidr: ['0.0.0.0/0', '100.64.0.0/10', '::/0', 'fd7a:115c:a1e0::/48', '192.168.1.1/32', '::1/128', '100.64.0.0/10 0.0.0.0/0', '0.0.0.0/0\n}', '100.64.0.0',
        '100.64.0.0/33', '::/129', '300.1.1.1/8', '100.64.0.0/10}', '"10.0.0.0/8"', 'private_ranges', '10.0.0.0/-1', '10.0.0.0/8/8', '', '{env.X}/8', '1.2.3/8'],
      upstream: ['127.0.0.1:9720', '[::1]:9720', 'localhost:1', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:9720 {', 'http://127.0.0.1:9720', '[::1:9720', 'a b:1', '{env.UP}:1', '"h":1', 'host/x:1'],
    };
    const got = await evalNixValue(`{ lib, root, cases }:
let caddy = (import (root + "/lib/storage") { lib = import lib; }).caddy; c = builtins.fromJSON cases; in
{ domain = map caddy.domainOk c.domain; cidr = map caddy.cidrOk c.cidr; upstream = map caddy.upstreamOk c.upstream; }`,
    { lib: libs.lib, root: nixString(ROOT), cases: nixString(JSON.stringify(cases)) }) as Record<keyof typeof cases, boolean[]>;
    const ts = (check: (v: string) => string) => (v: string): boolean => { try { check(v); return true; } catch { return false; } };
    assert.deepEqual(got, { domain: cases.domain.map(ts(checkDomain)), cidr: cases.cidr.map(ts(checkCidr)), upstream: cases.upstream.map(ts(checkUpstream)) });
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no read token', { adminTokenFile: TOKENS.adminTokenFile }, /storage\.serve\.readTokenFile is not set: give the file holding the read token/],
    ['no admin token', { readTokenFile: TOKENS.readTokenFile }, /storage\.serve\.adminTokenFile is not set/],
    ['a token in the Nix store', { ...TOKENS, readTokenFile: '/nix/store/0000-token' }, /readTokenFile = \/nix\/store\/0000-token is in the Nix store.*agenix/],
    ['a relative token path', { ...TOKENS, adminTokenFile: 'secrets/admin' }, /adminTokenFile = "secrets\/admin" is not an absolute path/],
    ['a token path with a colon', { ...TOKENS, adminTokenFile: '/run/a:b' }, /not an absolute path without spaces or ':'/],
    ['a listen address off loopback without allowRemote', { ...TOKENS, listen: '100.64.0.5:9720' }, /listen = "100\.64\.0\.5:9720" is not a loopback address; keep 127\.0\.0\.1:PORT .*or set storage\.serve\.allowRemote = true/],
    ['Caddy without a domain', { ...TOKENS, caddy: { enable: true } }, /caddy\.enable needs storage\.serve\.caddy\.domain/],
    ['a domain that would break out of the Caddyfile', { ...TOKENS, caddy: { enable: true, domain: 'x.org {\n\timport /etc/x' } }, /caddy\.domain = .* is not a domain name/],
    ['a range that is not one', { ...TOKENS, caddy: { enable: true, domain: 'x.org', allow: ['100.64.0.0/10', '0.0.0.0/0 { respond 200 }', '10.0.0.0/33', '300.0.0.1/8'] } },
      /caddy\.allow: \["0\.0\.0\.0\/0 \{ respond 200 \}","10\.0\.0\.0\/33","300\.0\.0\.1\/8"\] are not CIDR ranges/],
    ['a fleet URL with a space', { ...TOKENS, fleet: { yoga: 'http://a b' } }, /storage\.serve\.fleet: host names are lowercase/],
    ['a fleet token in the Nix store', { ...TOKENS, fleetTokenFile: '/nix/store/0000-token' }, /storage\.serve\.fleetTokenFile = \/nix\/store\/0000-token is in the Nix store/],
  ];
  test('refused: Caddy without serve; nothing written', async () => {
    const result = await evaluate(await hostModules(specPlan('hetzner'), { serve: { caddy: { enable: true, domain: 'x.org' } } }));
    assert.ok(result.failed.some((m) => /storage\.serve\.caddy\.enable puts panther serve behind Caddy: set storage\.serve\.enable = true/.test(m)), JSON.stringify(result.failed));
    assert.equal(result.caddy, null);
  });

  for (const [what, serve, message] of refused) {
    test(`refused: ${what}`, async () => {
      const result = await evaluate(await hostModules(specPlan('hetzner'), { serve: { enable: true, ...serve } }));
      assert.ok(result.failed.some((m) => message.test(m)), `${message}: ${JSON.stringify(result.failed)}`);
      if (/domain|range/.test(what)) assert.equal(result.caddy?.virtualHosts, undefined, 'nothing written into the Caddyfile');
    });
  }
});

describe('the serve unit passes systemd-analyze verify', { skip: skipAnalyze }, () => {
  test('hetzner with serve, a fleet and a remote listen address', async () => {
    const result = await evaluate(await hostModules(specPlan('hetzner'), { serve: {
      enable: true, readTokenFile: '/run/agenix/r', adminTokenFile: '/run/agenix/a', listen: '100.64.0.5:9720', allowRemote: true, fleet: { yoga: 'http://100.64.0.12:9720' },
    } }));
    assert.deepEqual(result.failed, []);
    const unitDir = join(dir, 'units-serve');
    await mkdir(unitDir);
    await writeNixosUnit(unitDir, 'panther-serve', 'service', result.services['panther-serve']!);
    const verified = await verifyUnits(unitDir);
    assert.deepEqual(verified.messages, []);
    assert.equal(verified.files.length, 1);
  });
});
