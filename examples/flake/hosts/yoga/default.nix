# yoga: the travel laptop, one NVMe drive (plan: light-laptop).
# Its layout and schedule are ./plan.json; ./storage.nix (`panther render nixos`, regenerated, not
# edited) points the storage module at it and at the backup repository and secrets; this file adds
# what is this host's own, overrides of single plan fields included.
# Hardware: `nixos-generate-config --no-filesystems --show-hardware-config > hardware-configuration.nix`
# on the machine (disko declares the file systems from the plan, so the generated file must not); it
# is imported once it exists.
{ lib, ... }:
{
  imports = [ ./storage.nix ../common.nix ]
    ++ lib.optional (builtins.pathExists ./hardware-configuration.nix) ./hardware-configuration.nix;

  storage.backup.bandwidth = "10Mbit";

  # UEFI: the plan gives this pool an ESP (mounted at /boot by disko).
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
}
