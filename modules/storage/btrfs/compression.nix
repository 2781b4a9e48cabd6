# The compression algorithm of each CoW subvolume is the btrfs.compression property of its root (the
# level is filesystem-wide; NOTES 1). Set again at every boot: idempotent, and it restores the
# property on a re-created subvolume. Never on no-CoW subvolumes: the kernel refuses it (EINVAL).
{ config, lib, pkgs, ... }:
let
  cfg = config.storage;
  storageLib = import ../../../lib/storage { inherit lib; };
  plan = cfg.resolvedPlan;
  cow = lib.concatMap (pool: lib.filter (s: s.mountPoint != null && s.cow) pool.subvolumes) plan.pools;
in
{
  config = lib.mkIf (cfg.enable && cow != [ ]) {
    systemd.services.panther-btrfs-properties = {
      description = "Set panther's per-subvolume btrfs compression properties";
      wantedBy = [ "multi-user.target" ];
      after = [ "local-fs.target" ];
      serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
      script = lib.concatMapStrings
        (s: "${pkgs.btrfs-progs}/bin/btrfs property set ${storageLib.shellQuote s.mountPoint} compression ${s.compression}\n")
        cow;
    };
  };
}
