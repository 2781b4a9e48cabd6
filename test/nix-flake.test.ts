// The flake's outputs evaluate through flake-parts' mkFlake with the pinned inputs passed by hand
// (no network, no nixpkgs): flake.nix's `outputs` is called like Nix would, with `self` tied back to
// the result. What needs nixpkgs' package set cannot be evaluated here (NOT_EVALUABLE_HERE says which
// and why); for those the test checks, with a stand-in package set that records its callPackage
// calls, that each output is declared for every system and built from the file it should be.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nixPackageFor } from '../src/btrfs/failure.ts';
import type { StoragePlan } from '../src/plan/types.ts';
import { nixString } from '../src/render/nix.ts';
import { hostModules } from '../src/render/nixos.ts';
import { findNixInstantiate, nixEvalJson } from '../src/render/verify/nix-instantiate.ts';
import { findNixLibs, nixLibsSkip } from './support/nix-libs.ts';
import { specPlan } from './support/plans.ts';
import { NODE_FLAGS } from '../bench/tools/panther.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SYSTEMS = ['aarch64-linux', 'x86_64-linux'];

/** Outputs whose values are nixpkgs derivations: only their declaration and wiring are checked here. */
const NOT_EVALUABLE_HERE: Record<string, string> = {
  'packages.<system>.{panther,default}': 'nix/package.nix is buildNpmPackage + importNpmLock + makeWrapper: nixpkgs package-set functions, not lib. Its inputs (files, production lock) are evaluated below; scripts/simulate-nix-package.sh rehearses its install',
  'checks.<system>.storage-unit-tests': 'a pkgs.runCommand derivation; what it decides (lib.debug.runTests over the nix-unit tests, nix/unit-tests.nix) is evaluated below',
  'devShells.<system>.default': 'pkgs.mkShell over nixpkgs packages',
  'overlays.default (applied)': 'final.callPackage of nix/package.nix: a nixpkgs package set',
  'nixosConfigurations (examples/flake)': "lib.nixosSystem is nixpkgs' NixOS, not lib; the hosts' module lists are evaluated below with lib.evalModules and stub NixOS options",
};

const skip = findNixInstantiate() === null
  ? (process.env['CI'] === 'true' ? false : 'nix-instantiate not found (apt-get install -y nix-bin)')
  : nixLibsSkip();

// What every evaluation below starts from. The stand-in package set is named by `tag` in the store
// paths it hands out, so a test can tell which package set a value came from.
const COMMON = `{ lib, flakeParts, root }:
rec {
  nixpkgsLib = import lib;
  standInPkgs = tag: system: {
    stdenv.hostPlatform.system = system;
    btrfs-progs = "/nix/store/00000000000000000000000000000000-btrfs-progs";
    callPackage = file: args: {
      type = "derivation";
      name = "stand-in";
      outPath = "/nix/store/00000000000000000000000000000000-\${tag}-\${system}-\${baseNameOf file}";
      file = toString file;
      argNames = builtins.attrNames args;
      inherit system tag;
    };
  };
  flakeParts' = (import (flakeParts + "/flake.nix")).outputs { nixpkgs-lib = { lib = nixpkgsLib; }; };
  # Calls a flake's outputs as Nix does: self is the result (lazily), plus the given inputs.
  callFlake = dir: extraInputs:
    let
      inputs = { self = outputs // { outPath = dir; inherit inputs; }; flake-parts = flakeParts'; } // extraInputs;
      outputs = (import (dir + "/flake.nix")).outputs inputs;
    in outputs;
  panther = callFlake root {
    nixpkgs = {
      _type = "flake";
      lib = nixpkgsLib;
      legacyPackages = nixpkgsLib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (standInPkgs "flake-nixpkgs");
    };
    # Stand-in: the storage module tests declare disko.devices themselves (real disko is tested in
    # test/integration/render-disko-real.test.ts).
    disko = { nixosModules.disko = { }; };
  };
  evalHost = modules: specialArgs: import (root + "/test/support/eval-storage-module.nix") {
    inherit lib root specialArgs;
    extraModules = [
      ({ lib, ... }: { _module.args.pkgs = lib.mkForce (standInPkgs "host-pkgs" "x86_64-linux"); })
      # The NixOS options the example hosts set beyond what the storage module tests declare.
      ({ lib, ... }: {
        options = {
          boot.loader = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.anything; default = { }; };
          networking.hostName = lib.mkOption { type = lib.types.str; };
          nixpkgs.hostPlatform = lib.mkOption { type = lib.types.str; };
          system.stateVersion = lib.mkOption { type = lib.types.str; };
          users = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.anything; default = { }; };
          age.secrets = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { options.file = lib.mkOption { type = lib.types.path; }; }); default = { }; };
        };
      })
    ] ++ modules;
  };
}
`;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-nix-flake-'));
  await writeFile(join(dir, 'common.nix'), COMMON);
});
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

async function evaluate(name: string, body: string, extra: Record<string, string> = {}): Promise<unknown> {
  const libs = findNixLibs().libs!;
  const file = join(dir, `${name}.nix`);
  await writeFile(file, `{ lib, flakeParts, root${Object.keys(extra).map((k) => `, ${k}`).join('')} }:
let common = import ./common.nix { inherit lib flakeParts root; }; in with common;
${body}`);
  return nixEvalJson(file, { args: { lib: libs.lib, flakeParts: libs.flakeParts, root: nixString(ROOT), ...extra }, timeoutMs: 120_000 });
}

const profileIds = (JSON.parse(readFileSync(join(ROOT, 'src/plan/profiles.json'), 'utf8')) as { profiles: Array<{ id: string }> }).profiles.map((p) => p.id);
const plan = (host: string): string => nixString(join(ROOT, 'examples/flake/hosts', host, 'plan.json'));

describe('the flake evaluates through flake-parts with the pinned inputs', { skip }, () => {
  test('outputs: modules, flake module, lib, and every per-system output declared for both systems', async () => {
    const out = await evaluate('outputs', `let o = panther; names = builtins.attrNames; in {
      outputs = names o;
      nixosModules = builtins.mapAttrs (_: m: m._class) o.nixosModules;
      flakeModules = builtins.mapAttrs (_: m: m._class) o.flakeModules;
      profiles = names o.lib.profiles;
      profileIds = o.lib.profileIds;
      overlays = names o.overlays;
      perSystem = builtins.mapAttrs (_: bySystem: builtins.mapAttrs (_: drvs: builtins.mapAttrs (_: d: { inherit (d) file argNames system tag; }) drvs) bySystem) {
        inherit (o) packages checks devShells;
      };
      defaultIsPanther = o.packages.x86_64-linux.default == o.packages.x86_64-linux.panther;
      overlay = let final = standInPkgs "overlay" "x86_64-linux" // o.overlays.default final { }; in {
        inherit (final.panther) file tag;
        aliased = final.panther-storage == final.panther;
      };
      # With a nixpkgs that has only lib (no package set at all), the per-system outputs are still
      # declared: their names evaluate, their values are never forced.
      declaredOnly = let bare = callFlake root { nixpkgs = { _type = "flake"; lib = nixpkgsLib; }; disko = { nixosModules.disko = { }; }; };
        in builtins.mapAttrs (_: bySystem: builtins.mapAttrs (_: names) bySystem) { inherit (bare) packages checks devShells; };
    }`) as {
      outputs: string[]; nixosModules: Record<string, string>; flakeModules: Record<string, string>; profiles: string[]; profileIds: string[];
      overlays: string[]; defaultIsPanther: boolean; overlay: { file: string; tag: string; aliased: boolean };
      declaredOnly: Record<string, Record<string, string[]>>;
      perSystem: Record<string, Record<string, Record<string, { file: string; argNames: string[]; system: string; tag: string }>>>;
    };
    for (const o of ['nixosModules', 'flakeModules', 'lib', 'overlays', 'packages', 'checks', 'devShells']) assert.ok(out.outputs.includes(o), `output ${o}`);
    assert.deepEqual(out.nixosModules, Object.fromEntries(['default', 'storage', 'storage-laptop', 'storage-server', 'storage-with-containers', 'storage-with-databases'].map((n) => [n, 'nixos'])));
    assert.deepEqual(out.flakeModules, { default: 'flake' });
    assert.deepEqual(out.profiles, [...profileIds].sort(), 'lib.profiles: exactly the ids of src/plan/profiles.json');
    assert.deepEqual(out.profileIds, profileIds);
    assert.deepEqual(out.overlays, ['default']);
    const expected = { packages: { default: 'package.nix', panther: 'package.nix' }, checks: { 'storage-unit-tests': 'unit-tests-check.nix' }, devShells: { default: 'dev-shell.nix' } };
    for (const [output, byName] of Object.entries(expected)) {
      assert.deepEqual(Object.keys(out.perSystem[output]!).sort(), SYSTEMS, `${output}: declared for every system`);
      for (const system of SYSTEMS) {
        const got = out.perSystem[output]![system]!;
        assert.deepEqual(Object.keys(got).sort(), Object.keys(byName).sort(), `${output}.${system}`);
        for (const [name, file] of Object.entries(byName)) {
          assert.equal(got[name]!.file, join(ROOT, 'nix', file), `${output}.${system}.${name} is callPackage ${file}`);
          assert.equal(got[name]!.system, system, `${output}.${system}.${name}: that system's package set`);
          assert.equal(got[name]!.tag, 'flake-nixpkgs');
        }
      }
    }
    assert.deepEqual(out.perSystem['checks']!['x86_64-linux']!['storage-unit-tests']!.argNames, ['storage'], 'the check gets the flake\'s lib as storage');
    assert.ok(out.defaultIsPanther, 'packages.default is packages.panther');
    assert.deepEqual(out.overlay, { file: join(ROOT, 'nix/package.nix'), tag: 'overlay', aliased: true }, 'overlays.default: pkgs.panther (and panther-storage) from the package set it is applied to');
    for (const [output, byName] of Object.entries(expected)) {
      assert.deepEqual(out.declaredOnly[output], Object.fromEntries(SYSTEMS.map((s) => [s, Object.keys(byName).sort()])), `${output}: declared without a package set`);
    }
    // The list is part of the contract: these are the outputs `nix flake check` builds and we cannot.
    assert.deepEqual(Object.keys(NOT_EVALUABLE_HERE).length, 5);
  });

  test('nixosModules: storage.package defaults to the flake\'s package; each profile module works alone', async () => {
    const out = await evaluate('modules', `let
      m = panther.nixosModules;
      host = modules: planFile: evalHost (modules ++ [ { storage.enable = true; storage.planFile = planFile; } ]) { };
      summary = r: { inherit (r) failed; execStarts = builtins.concatMap (s: if s ? serviceConfig.ExecStart then [ s.serviceConfig.ExecStart ] else [ ]) (builtins.attrValues r.services); };
    in {
      default = summary (host [ m.default ] yoga);
      storage = summary (host [ m.storage ] hetzner);
      laptop = summary (host [ m.storage-laptop ] yoga);
      server = summary (host [ m.storage-server ] hetzner);
      databases = summary (host [ m.storage-with-databases ] hetzner);
      containers = summary (host [ m.storage-with-containers ] contabo);
      # All of them at once: the module files are imported once, not declared twice.
      together = summary (host [ m.default m.storage m.storage-server m.storage-with-databases m.storage-with-containers ] hetzner);
      laptopOnServer = summary (host [ m.storage-laptop ] hetzner);
      foreignPlatform = summary (evalHost [ m.default ({ lib, ... }: { _module.args.pkgs = lib.mkOverride 10 (standInPkgs "host-pkgs" "riscv64-linux"); storage.enable = true; storage.planFile = yoga; }) ] { });
    }`, { yoga: plan('yoga'), hetzner: plan('hetzner'), contabo: plan('contabo') }) as Record<string, { failed: string[]; execStarts: string[] }>;
    const flakePackage = '/nix/store/00000000000000000000000000000000-flake-nixpkgs-x86_64-linux-package.nix/bin/panther';
    for (const name of ['default', 'storage', 'laptop', 'server', 'databases', 'containers', 'together']) {
      const r = out[name]!;
      assert.deepEqual(r.failed, [], `${name}: no failed assertion`);
      assert.ok(r.execStarts.length > 0, `${name}: the module defines panther services`);
      for (const e of r.execStarts) assert.ok(e.startsWith(`${flakePackage} `), `${name}: ExecStart runs the flake's package: ${e}`);
    }
    assert.ok(out['laptopOnServer']!.failed.some((m) => m.includes('laptop')), `storage-laptop really sets the laptop profile: ${out['laptopOnServer']!.failed.join('; ')}`);
    // A platform the flake does not build for: the host's own package set builds the CLI.
    for (const e of out['foreignPlatform']!.execStarts) {
      assert.ok(e.startsWith('/nix/store/00000000000000000000000000000000-host-pkgs-riscv64-linux-package.nix/bin/panther '), e);
    }
  });

  test('package inputs: only the files that run, and no devDependency in the lock importNpmLock reads', async () => {
    const out = await evaluate('package-source', `let
      # Nix < 2.14 (Debian 12's 2.8) has no builtins.readFileType, which lib.filesystem.pathType is.
      l = if builtins ? readFileType then nixpkgsLib else nixpkgsLib.extend (final: prev: {
        filesystem = prev.filesystem // {
          pathType = path: if dirOf path == path then "directory" else (builtins.readDir (dirOf path)).\${baseNameOf path};
        };
      });
      s = import (root + "/nix/package-source.nix") { lib = l; };
    in {
      files = map (f: l.removePrefix (toString s.root + "/") (toString f)) (l.fileset.toList s.fileset);
      package = s.productionPackage;
      lock = s.productionLock;
    }`) as { files: string[]; package: Record<string, unknown>; lock: { packages: Record<string, { dev?: boolean; devDependencies?: unknown }> } };
    const files = new Set(out.files);
    assert.ok(files.has('package.json') && files.has('package-lock.json') && files.has('src/plan/profiles.json'));
    const outside = out.files.filter((f) => !f.startsWith('src/') && f !== 'package.json' && f !== 'package-lock.json');
    assert.deepEqual(outside.sort(), ['scripts/build.ts', 'scripts/bundle.ts'], 'nothing but src/, the npm manifests and the bundle\'s build');
    assert.deepEqual(out.files.filter((f) => f.endsWith('.test.ts') || f.includes('/testdata/')), [], 'no tests or test data');
    // Every module the CLI can load (static and lazy imports from the executable, src/cli/panther.js) is in the package.
    const missing = [...importClosure(join(ROOT, 'src/cli/panther.js'))].map((f) => f.slice(ROOT.length + 1)).filter((f) => !files.has(f));
    assert.deepEqual(missing, [], 'files the CLI imports but the package leaves out');

    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    assert.equal(out.package['devDependencies'], undefined);
    assert.equal(out.lock.packages['']!.devDependencies, undefined);
    assert.deepEqual(Object.keys(out.lock.packages).sort(), Object.keys(lock.packages).filter((k) => lock.packages[k]!.dev !== true).sort(),
      'every production entry kept, every dev-only one (node, typescript, fauxqs, …) dropped');
    assert.ok(!('node_modules/node' in out.lock.packages), 'the npm `node` package (install script downloads a binary) is never fetched');
    // importNpmLock fetches an entry only through its `resolved` URL, checked against its integrity.
    const packages = out.lock.packages as Record<string, { resolved?: string; integrity?: string; version?: string }>;
    for (const [path, entry] of Object.entries(packages)) {
      if (path === '') continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      assert.equal(entry.resolved, `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`, `${path}: resolved`);
      assert.equal(entry.integrity, (lock.packages[path] as { integrity?: string }).integrity, `${path}: the lock's own integrity`);
    }
  });

  test('the package: Node 24, importNpmLock over the production manifests, and a wrapper with every program panther spawns on PATH', async () => {
    // nix/package.nix called with stand-ins for nixpkgs' functions and packages (each named by its
    // attribute), so its runtime tools and install script can be read without nixpkgs.
    const out = await evaluate('package-wrapper', `let
      standIn = name: { outPath = "/nix/store/00000000000000000000000000000000-\${name}"; inherit name; };
      package = import (root + "/nix/package.nix");
      r = package (builtins.mapAttrs (name: _: standIn name) (builtins.functionArgs package) // {
        lib = nixpkgsLib;
        buildNpmPackage = args: args;
        importNpmLock = { __functor = _: args: args; npmConfigHook = standIn "npmConfigHook"; };
        stdenv = { hostPlatform.system = "x86_64-linux"; };
        fetchurl = a: standIn "fetchurl-\${baseNameOf a.url}-\${a.hash}";
      });
    in {
      tools = map (t: t.name) r.passthru.runtimeTools;
      install = r.installPhase;
      build = r.buildPhase;
      nodejs = r.nodejs.name;
      configHook = r.npmConfigHook.name;
      inherit (r) npmRebuildFlags dontNpmBuild doInstallCheck;
      npmDeps = { devDependencies = r.npmDeps.package ? devDependencies; nodeInLock = r.npmDeps.packageLock.packages ? "node_modules/node"; };
    }`) as { tools: string[]; install: string; build: string; nodejs: string; configHook: string; npmRebuildFlags: string[]; dontNpmBuild: boolean; doInstallCheck: boolean;
      npmDeps: { devDependencies: boolean; nodeInLock: boolean } };
    assert.deepEqual({ nodejs: out.nodejs, configHook: out.configHook, npmRebuildFlags: out.npmRebuildFlags, dontNpmBuild: out.dontNpmBuild, doInstallCheck: out.doInstallCheck, npmDeps: out.npmDeps },
      { nodejs: 'nodejs_24', configHook: 'npmConfigHook', npmRebuildFlags: ['--ignore-scripts'], dontNpmBuild: true, doInstallCheck: true, npmDeps: { devDependencies: false, nodeInLock: false } },
      'Node 24, importNpmLock\'s hook over the production manifests, no install scripts, no build step, the install check');
    const bin = (attr: string): string => `/nix/store/00000000000000000000000000000000-${attr}/bin`;
    assert.match(out.install, new RegExp(`--prefix PATH : ${out.tools.map(bin).join(':')} `), 'the tools first on PATH');
    assert.match(out.install, new RegExp(`--suffix PATH : ${bin('systemd')}\n`), 'systemd (udevadm) last');
    // The wrapper runs the bundle, built from esbuild's two tarballs the lock pins (the JS API, this system's binary).
    // Node's flags first (src/cli/node-flags.json, the ones the executable's shebang passes).
    const flags = NODE_FLAGS.join(' ');
    const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(out.install, new RegExp(`makeWrapper \\S+-nodejs_24/bin/node \\$out/bin/panther \\\\\\n\\s+--add-flags '${escaped(flags)}' \\\\\\n\\s+--add-flags \\$out/share/panther/dist/panther\\.js`));
    assert.match(out.install, /cp -r src dist node_modules \$out\/share\/panther\//);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };
    const esbuild = lock.packages['node_modules/esbuild']!;
    const binary = lock.packages['node_modules/@esbuild/linux-x64']!;
    assert.ok(out.build.includes(`fetchurl-esbuild-${esbuild.version}.tgz-${esbuild.integrity} --strip-components=1 -C node_modules/esbuild`), out.build);
    assert.ok(out.build.includes(`fetchurl-linux-x64-${binary.version}.tgz-${binary.integrity} --strip-components=1 -C .esbuild-binary`), out.build);
    assert.match(out.build, /ESBUILD_BINARY_PATH=\$PWD\/\.esbuild-binary\/bin\/esbuild node scripts\/build\.ts\n\s*rm -rf node_modules\/esbuild \.esbuild-binary\n/, 'built, then esbuild removed before node_modules is installed');
    const onPath = new Set([...out.tools, 'systemd']);
    const spawned = spawnedPrograms();
    assert.ok(spawned.includes('btrfs') && spawned.includes('flock') && spawned.includes('mkfs.vfat'), spawned.join(' '));
    const missing = spawned.filter((p) => !HOST_PATH_PROGRAMS.has(p)).filter((p) => !onPath.has(nixPackageFor(p) ?? '?'))
      .map((p) => `${p} (nixpkgs: ${nixPackageFor(p) ?? 'not in src/btrfs/failure.ts PACKAGES'})`);
    assert.deepEqual(missing, [], 'programs panther spawns that the wrapper does not provide: add the package to nix/package.nix runtimeTools');
  });

  test('checks.storage-unit-tests: runTests failures fail it; the nix-unit tests pass', async () => {
    const passing = join(dir, 'passing-tests.nix');
    const failing = join(dir, 'failing-tests.nix');
    await writeFile(passing, '{ lib, storage }: { testProfiles = { expr = builtins.length storage.profileIds; expected = 5; }; testTwo = { expr = 1 + 1; expected = 2; }; }\n');
    await writeFile(failing, '{ storage, fixtures }: { testOk = { expr = 1; expected = 1; }; testWrong = { expr = builtins.pathExists fixtures; expected = false; }; }\n');
    const run = (file: string): Promise<unknown> => evaluate(`run-${file === passing ? "passing" : "failing"}`, `let r = import (root + "/nix/unit-tests.nix") { lib = nixpkgsLib; storage = panther.lib; testsFile = tests; };
      in { inherit (r) names report; failed = map (f: f.name) r.failures; }`, { tests: nixString(file) });
    assert.deepEqual(await run(passing), { names: ['testProfiles', 'testTwo'], report: '', failed: [] });
    const bad = await run(failing) as { names: string[]; report: string; failed: string[] };
    assert.deepEqual(bad.failed, ['testWrong'], 'a failing test is reported, and a file taking only some of { lib, storage, fixtures } is called');
    assert.match(bad.report, /FAIL testWrong\n {2}expected: false\n {2}got: {6}true/);
  });

  test('checks.storage-unit-tests as the flake runs it: every nix-unit test passes on the committed plans', async () => {
    const r = await evaluate('unit', `let r = import (root + "/nix/unit-tests.nix") { lib = nixpkgsLib; storage = panther.lib; }; in { inherit (r) names report; }`) as { names: string[]; report: string };
    assert.ok(r.names.length > 10, `${r.names.length} tests`);
    assert.equal(r.report, '');
  });

  test('flakeModules.default: the example fleet gives each host its plan and a NixOS configuration', async () => {
    const out = await evaluate('fleet', `let
      agenix = { nixosModules.default = { }; };
      fleet = callFlake (root + "/examples/flake") {
        inherit panther agenix;
        disko = { nixosModules.disko = { }; };
        # Stand-in for nixpkgs' lib.nixosSystem: the same modules and arguments, evaluated with lib.evalModules.
        nixpkgs = { lib = nixpkgsLib // { nixosSystem = args: evalHost args.modules args.specialArgs; }; };
      };
    in {
      hosts = builtins.mapAttrs (name: h: {
        planHost = h.plan.host;
        inherit (h) system;
        # flake-parts names each of Panther's nixosModules in its _file: "…#nixosModules.<name>".
        pantherModules = builtins.concatMap (m: let f = m._file or ""; parts = builtins.split "#nixosModules[.]" f; in
          if builtins.length parts == 3 then [ (builtins.elemAt parts 2) ] else [ ]) h.nixosModules;
      }) fleet.panther.hosts;
      configurations = builtins.mapAttrs (name: c: {
        inherit (c) failed warnings;
        planHost = (builtins.fromJSON c.etc."panther/plan.json").host;
        services = builtins.mapAttrs (_: s: { ExecStart = s.serviceConfig.ExecStart or null; LoadCredential = s.serviceConfig.LoadCredential or [ ]; }) c.services;
      }) fleet.nixosConfigurations;
      withoutNixpkgs = builtins.attrNames (callFlake (root + "/examples/flake") { inherit panther agenix; disko = { nixosModules.disko = { }; }; }).nixosConfigurations;
    }`) as {
      hosts: Record<string, { planHost: string; system: string; pantherModules: string[] }>;
      configurations: Record<string, { failed: string[]; warnings: string[]; planHost: string; services: Record<string, { ExecStart: string | null; LoadCredential: string[] }> }>;
      withoutNixpkgs: string[];
    };
    const hosts = ['contabo', 'hetzner', 'ovh', 'yoga', 'zephyrus'];
    assert.deepEqual(Object.keys(out.hosts).sort(), hosts);
    assert.deepEqual(Object.keys(out.configurations).sort(), hosts);
    assert.deepEqual(out.withoutNixpkgs, [], 'no nixosConfigurations without a nixpkgs input');
    for (const host of hosts) {
      assert.equal(out.hosts[host]!.planHost, host);
      assert.equal(out.hosts[host]!.system, 'x86_64-linux');
      // The profile modules the fleet module adds are the ones `panther render nixos` lists.
      const plan = JSON.parse(readFileSync(join(ROOT, 'examples/flake/hosts', host, 'plan.json'), 'utf8')) as StoragePlan;
      assert.deepEqual(out.hosts[host]!.pantherModules, ['default', ...hostModules(plan).map((m) => m.name)], `${host}: Panther's modules`);
      const c = out.configurations[host]!;
      assert.deepEqual(c.failed, [], `${host}: no failed assertion`);
      assert.deepEqual(c.warnings, [], `${host}: no warning`);
      assert.equal(c.planHost, host, `${host}: /etc/panther/plan.json is its plan`);
      const backup = Object.entries(c.services).find(([name]) => name.includes('backup'));
      assert.ok(backup !== undefined, `${host}: a backup service (${Object.keys(c.services).join(', ')})`);
      assert.ok(backup[1].LoadCredential.some((l) => l.endsWith(':/run/agenix/panther-b2')), `${host}: B2 key from agenix: ${backup[1].LoadCredential.join(' ')}`);
      assert.ok(backup[1].LoadCredential.some((l) => /:\/run\/agenix\/panther-(passphrase|ovh-identity)$/.test(l)), `${host}: repository secret from agenix`);
    }
  });
});

describe('tests/nix/plans.json (the plans checks.storage-unit-tests gets) is what the CLI plans today', () => {
  test('the five hosts, zephyrus with databases', () => {
    const fleet = {
      zephyrus: specPlan('zephyrus', { features: ['databases'] }),
      yoga: specPlan('yoga'), hetzner: specPlan('hetzner'), contabo: specPlan('contabo'), ovh: specPlan('ovh'),
    };
    assert.deepEqual(JSON.parse(readFileSync(join(ROOT, 'tests/nix/plans.json'), 'utf8')), JSON.parse(JSON.stringify(fleet)),
      'tests/nix/plans.json is stale: write JSON.stringify({ zephyrus: specPlan(\'zephyrus\', { features: [\'databases\'] }), yoga: specPlan(\'yoga\'), … }, null, 2) (test/support/plans.ts) to it');
  });
});

/** Programs the host provides on purpose (nix/package.nix says why), not the wrapper. */
const HOST_PATH_PROGRAMS = new Set(['podman', 'nix-instantiate', 'systemd-analyze']);

/** Every program src/ (without tests) starts by a literal name: run('…'), spawnStream('…'), runArgv(['…', CMD = '…' (or X_CMD = '…'), the verify/ tools. */
function spawnedPrograms(): string[] {
  const found = new Set<string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) { walk(path); continue; }
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/(?<![.\w])(?:run|spawnStream)\(\s*'([^']+)'|runArgv\(\[\s*'([^']+)'|\b(?:[A-Z]+_)?CMD = '([^']+)'|export const [A-Z_]+ = '([a-z][\w.-]*)';/g)) {
        const program = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (program !== undefined && (m[4] === undefined || path.includes('/verify/'))) found.add(program);
      }
    }
  };
  walk(join(ROOT, 'src'));
  return [...found].sort();
}

/** `entry` and the .ts files it loads, following relative static and dynamic imports. */
function importClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)) {
      const target = resolve(file, '..', m[1]!);
      if (target.endsWith('.ts') || target.endsWith('.json')) queue.push(target);
    }
  }
  return seen;
}
