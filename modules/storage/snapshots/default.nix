# Snapshot automation: the plan's timers (one per scheduled tier) start one service that takes what is
# due and prunes by retention (`panther snapshot run`). Retention overrides are written into the plan
# the service reads, so the counts here are the counts that prune keeps.
{ config, lib, ... }:
let
  cfg = config.storage;
  storageLib = import ../../../lib/storage { inherit lib; };
  svc = import ../service.nix { inherit lib cfg; };
  units = lib.filter (u: lib.hasPrefix "panther-snapshot" u.name) (storageLib.pantherUnits cfg.resolvedPlan);
  nullableInt = description: lib.mkOption { type = lib.types.nullOr lib.types.ints.unsigned; default = null; inherit description; };
  hooks = lib.concatMap (pool: lib.concatMap (s: s.hooks or [ ]) pool.subvolumes) cfg.resolvedPlan.pools;
  hasPodman = lib.any (h: h.type == "podman" || h.type == "command") hooks;
in
{
  options.storage.snapshots = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Take and prune snapshots on the plan's schedule.";
    };
    retention = lib.genAttrs [ "hourly" "daily" "weekly" "monthly" "yearly" ]
      (tier: nullableInt "How many ${tier} snapshots every snapshotted subvolume keeps; null = the plan's count per subvolume.");
    timezone = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "Europe/Berlin";
      description = "Time zone of the schedule and of the retention periods; null = the plan's.";
    };
  };

  config = lib.mkIf (cfg.enable && cfg.snapshots.enable) {
    systemd.services = lib.listToAttrs (map
      (u: lib.nameValuePair (svc.baseName u.name) (svc.service u {
        extraArgs = [ "--plan" "/etc/panther/plan.json" ];
        # Snapshot and delete subvolumes (SYS_ADMIN), read and tighten any user's snapshot directory
        # (DAC_*, FOWNER). Hooks that run commands or podman need whatever those need: no bounding set then.
        capabilities = if hasPodman then null else [ "CAP_SYS_ADMIN" "CAP_DAC_OVERRIDE" "CAP_DAC_READ_SEARCH" "CAP_FOWNER" ];
      }))
      (lib.filter (u: !svc.isTimer u) units));
    systemd.timers = lib.listToAttrs (map (u: lib.nameValuePair (svc.baseName u.name) (svc.timer u)) (lib.filter svc.isTimer units));
  };
}
