# Which mount options act per mount and which on the whole btrfs filesystem: the NixOS module needs it
# to turn the specification's per-subvolume option lists into what btrfs really does (NOTES 1). The
# reference table is src/plan/mount-options.ts; test/nix-module.test.ts checks that these lists agree
# with it, so the two cannot drift.
{ lib }:
let
  inherit (lib) elem filter head splitString;

  # VFS per-mount flags: they really differ between two mounts of one filesystem.
  perMountFlags = [
    "ro" "rw" "noatime" "atime" "relatime" "norelatime" "strictatime" "nostrictatime" "nodiratime" "diratime"
    "nodev" "dev" "nosuid" "suid" "noexec" "exec" "nosymfollow" "symfollow"
  ];
  # Read by mount(8) and systemd, never by the kernel.
  userspaceFlags = [ "defaults" "auto" "noauto" "nofail" "user" "nouser" "users" "owner" "group" "_netdev" "x-initrd.mount" ];
  # One state per filesystem, taken from its first mount: repeating them per subvolume does nothing.
  filesystemNames = [
    "acl" "noacl" "autodefrag" "noautodefrag" "barrier" "nobarrier" "clear_cache" "compress" "compress-force"
    "datacow" "nodatacow" "datasum" "nodatasum" "degraded" "discard" "nodiscard" "flushoncommit" "noflushoncommit"
    "rescan_uuid_tree" "skip_balance" "space_cache" "nospace_cache" "ssd" "nossd" "ssd_spread" "nossd_spread"
    "treelog" "notreelog" "user_subvol_rm_allowed" "nologreplay" "usebackuproot" "norecovery" "enospc_debug"
    "noenospc_debug" "sync" "async" "dirsync" "lazytime" "nolazytime" "commit" "max_inline" "metadata_ratio"
    "thread_pool" "device" "fatal_errors" "rescue" "context" "fscontext" "defcontext" "rootcontext"
  ];

  nameOf = option: head (splitString "=" option);
  valueOf = option:
    let parts = builtins.match "[^=]*=(.*)" option; in if parts == null then null else head parts;

  # compress=VALUE → the algorithm the btrfs.compression property takes; null when VALUE is not valid.
  compressAlgorithm = value:
    if value == null then "zlib" # bare `compress` means zlib
    else if value == "no" || value == "none" then "none"
    else if value == "lzo" then "lzo"
    else
      let
        m = builtins.match "(zstd|zlib)(:(-?[0-9]+))?" value;
        level = builtins.fromJSON (lib.elemAt m 2);
        # zstd -15..15 (negative: fast levels, 0: default), zlib 1..9 (src/plan/mount-options.ts).
        inRange = lib.elemAt m 2 == null
          || (if head m == "zstd" then level >= -15 && level <= 15 else level >= 1 && level <= 9);
      in
      if m == null || builtins.match "-?0[0-9]+" (toString (lib.elemAt m 2)) != null || !inRange then null else head m;
in
rec {
  inherit perMountFlags userspaceFlags filesystemNames;

  scopeOf = option:
    let name = nameOf option; in
    if builtins.match "(x-systemd\\.|x-mount\\.|X-).*" name != null || elem option userspaceFlags then "userspace"
    else if elem option perMountFlags || name == "subvol" || name == "subvolid" || name == "comment" then "mount"
    else if elem name filesystemNames then "filesystem"
    else "unknown";

  /**
    A subvolume's requested option list → what it means here: per-mount options kept, no-CoW and
    compression turned into the subvolume's attributes, other filesystem-wide options and unknown ones
    listed for a warning or an assertion.
  */
  classify = options:
    let
      fsWide = filter (o: scopeOf o == "filesystem") options;
      cowOptions = filter (o: o == "nodatacow" || o == "datacow") fsWide;
      compressOptions = filter (o: elem (nameOf o) [ "compress" "compress-force" ]) fsWide;
      lastOf = list: if list == [ ] then null else lib.last list;
      lastCompress = lastOf compressOptions;
    in
    {
      kept = filter (o: elem (scopeOf o) [ "mount" "userspace" ]) options;
      cow = let o = lastOf cowOptions; in if o == null then null else o == "datacow";
      compressOption = lastCompress;
      compression = if lastCompress == null then null else compressAlgorithm (valueOf lastCompress);
      ignored = filter (o: !(elem o cowOptions) && !(elem o compressOptions)) fsWide;
      unknown = filter (o: scopeOf o == "unknown") options;
    };
}
