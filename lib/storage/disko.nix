# plan → disko.devices: one GPT disk per pool, a boot partition, one btrfs filesystem with the plan's
# subvolumes, and a postCreateHook that sets what mount options cannot (no-CoW, per-subvolume
# compression; NOTES 1). The same layout as `panther render disko` (src/render/disko.ts, hook.ts);
# test/nix-module.test.ts checks that both evaluate to the same value for every host.
{ lib }:
let
  inherit (lib) concatMap filter listToAttrs optional optionalAttrs replaceStrings unique;

  shellQuote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  shellWord = s: if builtins.match "[A-Za-z0-9_@%+=:,./-]+" s != null then s else shellQuote s;

  # bytes → "4G" when a whole number of GiB, else "NM" (src/core/bytes.ts toDiskoSize).
  diskoSize = bytes:
    let mib = bytes / 1048576; in
    if mib > 0 && mib - (mib / 1024) * 1024 == 0 then "${toString (mib / 1024)}G" else "${toString mib}M";

  biosBoot = { priority = 1; size = "1M"; type = "EF02"; };
  esp = pool: priority: {
    inherit priority;
    size = diskoSize pool.espSizeBytes;
    type = "EF00";
    content = { type = "filesystem"; format = "vfat"; mountpoint = "/boot"; mountOptions = [ "umask=0077" ]; };
  };
  bootPartitions = pool:
    if pool.boot == "esp" then { ESP = esp pool 1; }
    else if pool.boot == "bios" then { boot = biosBoot; }
    else if pool.boot == "hybrid" then { boot = biosBoot; ESP = esp pool 2; }
    else { };

  effectiveMountOptions = pool: s: unique (pool.filesystemOptions ++ s.mountOptions);

  subvolume = pool: s:
    optionalAttrs (s.mountPoint != null) { mountpoint = s.mountPoint; mountOptions = effectiveMountOptions pool s; }
    // optionalAttrs (s.swapfile != null) { swap.swapfile = { size = diskoSize s.swapfile.sizeBytes; path = s.swapfile.path; }; };

  at = name: "\"$top\"/${shellQuote name}";

  hookLines = pool:
    let
      noCow = filter (s: !s.cow) pool.subvolumes;
      compressed = filter (s: s.cow) pool.subvolumes;
    in
    if noCow == [ ] && compressed == [ ] then [ ]
    else [
      "# panther: per-subvolume no-CoW and compression, which btrfs mount options cannot express."
      "# Own subshell so the trap and the strict mode stay local to this hook."
      "("
      "  set -euo pipefail"
      "  top=$(mktemp -d)"
      "  trap 'rmdir \"$top\"' EXIT"
      "  mount -t btrfs -o subvol=/ \"$device\" \"$top\""
      "  trap 'umount \"$top\"; rmdir \"$top\"' EXIT"
    ]
    ++ lib.optionals (noCow != [ ]) ([
      ""
      "  # chattr +C exits 0 without effect on non-empty files, so prove the attribute took."
      "  verify_nocow() {"
      "    local flags"
      "    flags=$(lsattr -d \"$1\")"
      "    case \"\${flags%% *}\" in"
      "      *C*) ;;"
      "      *) echo \"panther: chattr +C did not take on $1 (attributes: \${flags%% *})\" >&2; exit 1 ;;"
      "    esac"
      "  }"
      ""
      "  # No-CoW: on the still-empty subvolume root, so every file created below inherits C."
    ] ++ concatMap (s: [ "  chattr +C ${at s.name}" "  verify_nocow ${at s.name}" ]) noCow)
    ++ lib.optionals (compressed != [ ]) ([
      ""
      "  # Compression algorithm inherited by new files (the level stays filesystem-wide). Not on"
      "  # no-CoW subvolumes: the kernel refuses the property there (EINVAL)."
    ] ++ map (s: "  btrfs property set ${at s.name} compression ${shellWord s.compression}") compressed)
    ++ [ ")" ];

  btrfs = pool:
    let hook = hookLines pool; in
    {
      type = "btrfs";
      # -f: the disk was chosen by the plan, and disko formats only a device without a filesystem anyway.
      extraArgs = [ "-f" "-L" (shellWord pool.label) ];
      subvolumes = listToAttrs (map (s: { name = s.name; value = subvolume pool s; }) pool.subvolumes);
    } // optionalAttrs (hook != [ ]) { postCreateHook = lib.concatStringsSep "\n" hook + "\n"; };

  disk = pool: {
    type = "disk";
    device = pool.device;
    content = {
      type = "gpt";
      partitions = bootPartitions pool // { root = { size = "100%"; content = btrfs pool; }; };
    };
  };
in
{
  inherit diskoSize effectiveMountOptions shellQuote;

  /** `disko.devices` for a plan. */
  diskoDevices = plan: { disk = listToAttrs (map (pool: { name = pool.name; value = disk pool; }) plan.pools); };
}
