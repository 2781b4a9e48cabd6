# Panther's Nix helpers: pure functions over the plan JSON and the built-in profiles, for the NixOS
# module, the flake's `lib` output and the nix-unit tests. Profiles are read from the one file the CLI
# uses (src/plan/profiles.json); nothing here re-types them.
{ lib }:
let
  profileList = (builtins.fromJSON (builtins.readFile ../../src/plan/profiles.json)).profiles;
  time = import ./time.nix { inherit lib; };
  mountOptions = import ./mount-options.nix { inherit lib; };
  backup = import ./backup-helpers.nix { inherit lib time; };
  snapshots = import ./snapshot-helpers.nix { inherit lib time profileList; };
  plan = import ./plan.nix { inherit lib mountOptions backup; };
  units = import ./units.nix { inherit lib time snapshots backup; };
  disko = import ./disko.nix { inherit lib; };
  hardware = import ./hardware-profiles.nix { inherit lib; profiles = profileList; };
in
{
  /** The built-in profiles by id, exactly as src/plan/profiles.json has them. */
  profiles = builtins.listToAttrs (map (p: { name = p.id; value = p; }) profileList);
  profileIds = map (p: p.id) profileList;

  inherit (plan) readPlan resolve subvolumeNames;
  inherit (snapshots) snapshotPolicy withTimezone;
  inherit (backup) backupSlot bandwidthBits windowProblems;
  inherit (units) pantherUnits pantherDrillUnits snapshotService drillLevels defaultDrill defaultServe pantherServeUnit;
  caddy = import ./caddy.nix { inherit lib; };
  inherit (disko) diskoDevices effectiveMountOptions shellQuote;
  inherit (time) timeSpan;
  inherit mountOptions;
  inherit (hardware) detectProfile machineKind disks;

  /** The subvolume called `name` in a plan, with its pool's name; throws when there is none. */
  subvolume = p: name:
    let found = lib.concatMap (pool: map (s: s // { pool = pool.name; filesystemOptions = pool.filesystemOptions; })
      (builtins.filter (s: s.name == name) pool.subvolumes)) p.pools;
    in if found == [ ] then throw "the plan of ${p.host} has no subvolume ${name}" else builtins.head found;

  /** The options a subvolume is really mounted with (pool-wide options first). */
  mountOptionsOf = p: name:
    let s = lib.findFirst (x: x.name == name) null (lib.concatMap (pool: map (x: x // { inherit pool; }) pool.subvolumes) p.pools);
    in if s == null then throw "the plan of ${p.host} has no subvolume ${name}" else disko.effectiveMountOptions s.pool s;

  /** "laptop" for laptops, "server" for everything else: the specification's two profiles. */
  profileClass = p: if p.machine == "laptop" then "laptop" else "server";
}
