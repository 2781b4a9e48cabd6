# No-CoW is a file attribute, not a mount option (NOTES 1): disko's postCreateHook sets it once on the
# empty subvolume roots; these tmpfiles rules set it again at every boot, so a subvolume re-created
# later (restore, rollback) is no-CoW again before its service writes. `h` affects only files created
# afterwards. Snapshot directories are made root-only (0700): snapshots keep every user's old files.
# /nix and /var/log are mounted in the initrd: the store is needed for stage 2, and early logs land
# on @log rather than hidden under the later mount.
{ config, lib, ... }:
let
  cfg = config.storage;
  plan = cfg.resolvedPlan;
  mounted = lib.concatMap (pool: lib.concatMap (s: lib.optional (s.mountPoint != null) { inherit pool s; }) pool.subvolumes) plan.pools;
  # tmpfiles expands %-specifiers in paths; %% is a literal %.
  tmpfilesPath = lib.replaceStrings [ "%" ] [ "%%" ];
  isSnapshotDir = m: lib.any (p: (p.snapshotLocation or null) != null && p.snapshotLocation.pool == m.pool.name
    && p.snapshotLocation.subvolume == m.s.name) plan.pools;
  early = lib.filter (mp: lib.any (m: m.s.mountPoint == mp) mounted) [ "/nix" "/var/log" ];
in
{
  config = lib.mkIf cfg.enable {
    systemd.tmpfiles.rules =
      map (m: "h ${tmpfilesPath m.s.mountPoint} - - - - +C") (lib.filter (m: !m.s.cow) mounted)
      ++ map (m: "z ${tmpfilesPath m.s.mountPoint} 0700 root root -") (lib.filter isSnapshotDir mounted);
    fileSystems = lib.genAttrs early (_: { neededForBoot = true; });
  };
}
