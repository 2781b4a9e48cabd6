# ovh: the utility VPS (plan: utility-vps).
# Its layout and schedule are ./plan.json; ./storage.nix (`panther render nixos`, regenerated, not
# edited) points the storage module at it and at the backup repository and secrets; this file adds
# what is this host's own, overrides of single plan fields included.
# Hardware: `nixos-generate-config --no-filesystems --show-hardware-config > hardware-configuration.nix`
# on the machine (disko declares the file systems from the plan, so the generated file must not); it
# is imported once it exists.
{ lib, ... }:
{
  imports = [ ./storage.nix ../common.nix ../vps.nix ]
    ++ lib.optional (builtins.pathExists ./hardware-configuration.nix) ./hardware-configuration.nix;

  # A week more of daily snapshots than the plan's 30 (every snapshotted subvolume).
  storage.snapshots.retention.daily = 37;
}
