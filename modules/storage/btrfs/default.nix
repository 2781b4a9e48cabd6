# What disko cannot express about the btrfs pools: per-subvolume overrides, no-CoW that survives
# re-creation, compression properties, early mounts and the monthly scrub.
{ config, lib, ... }:
let
  cfg = config.storage;
  plan = cfg.resolvedPlan;
  # Scrub works per filesystem, through any mount of it: "/" when the pool has it, else its first mount.
  scrubPoint = pool:
    let points = lib.concatMap (s: lib.optional (s.mountPoint != null) s.mountPoint) pool.subvolumes; in
    if lib.elem "/" points then "/" else if points == [ ] then null else builtins.head points;
in
{
  imports = [ ./subvolumes.nix ./mount-options.nix ./compression.nix ];

  options.storage.btrfs.scrub = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Scrub every pool: read every block and check it against its checksum. No-CoW data has no
        checksums, so scrub cannot verify it (NOTES 3).
      '';
    };
    interval = lib.mkOption {
      type = lib.types.str;
      default = "monthly";
      description = "How often to scrub (a systemd OnCalendar expression).";
    };
  };

  config = lib.mkIf (cfg.enable && cfg.btrfs.scrub.enable) {
    services.btrfs.autoScrub = {
      enable = true;
      inherit (cfg.btrfs.scrub) interval;
      # One mount point per pool: a scrub covers the whole filesystem whichever mount it starts from.
      fileSystems = lib.concatMap (pool: lib.optional (scrubPoint pool != null) (scrubPoint pool)) plan.pools;
    };
  };
}
