# storage.btrfs.subvolumes.<name>: overrides of single fields of a planned subvolume, with the
# specification's option names. null = as the plan says. How each is applied: lib/storage/plan.nix.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  nullable = type: description: mkOption { type = types.nullOr type; default = null; inherit description; };
in
{
  options.storage.btrfs.subvolumes = mkOption {
    default = { };
    example = lib.literalExpression ''{ "@dev-projects".cow = false; }'';
    description = ''
      Overrides of the plan's subvolumes, by name ("@home"). A name the plan does not have is an error.
      `mountOptions = [ "nodatacow" ]` (the specification's form) is applied as what works, no-CoW
      through chattr +C, with a warning (NOTES 1).
    '';
    type = types.attrsOf (types.submodule {
      options = {
        mountOptions = nullable (types.listOf types.str) ''
          The subvolume's requested mount options. Per-mount ones (noatime, nodev, nosuid, noexec…) are
          used; "nodatacow"/"datacow" become `cow`; "compress=ALG[:LEVEL]" becomes `compression` (the
          level is filesystem-wide); other filesystem-wide options are dropped with a warning.
        '';
        cow = nullable types.bool "false = no-CoW (chattr +C on the subvolume root): no checksums, no compression.";
        compression = nullable (types.enum [ "zstd" "lzo" "zlib" "none" ])
          "The btrfs.compression property of the subvolume root (CoW subvolumes only).";
        backup = nullable (types.enum [ "daily" "weekly" "monthly" "never" ]) "How often the subvolume goes offsite.";
      };
    });
  };
}
