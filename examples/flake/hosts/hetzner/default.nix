# hetzner: the production VPS with PostgreSQL and Redis (plan: production-vps).
# Its layout and schedule are ./plan.json; ./storage.nix (`panther render nixos`, regenerated, not
# edited) points the storage module at it and at the backup repository and secrets; this file adds
# what is this host's own, overrides of single plan fields included.
# Hardware: `nixos-generate-config --no-filesystems --show-hardware-config > hardware-configuration.nix`
# on the machine (disko declares the file systems from the plan, so the generated file must not); it
# is imported once it exists.
{ inputs, lib, ... }:
{
  imports = [ ./storage.nix inputs.agenix.nixosModules.default ]
    ++ lib.optional (builtins.pathExists ./hardware-configuration.nix) ./hardware-configuration.nix;

  # agenix decrypts these to /run/agenix/<name> at boot (outside the Nix store, root-only), where
  # storage.nix expects them; the services get them through systemd credentials (LoadCredential=).
  age.secrets.panther-passphrase.file = ../../secrets/panther-passphrase.age;
  age.secrets.panther-b2.file = ../../secrets/panther-b2.age;

  # USD a month for this host's share of the bucket: `panther cost` warns before it is reached.
  storage.backup.budget = 5;
  # storage-with-databases orders the snapshots after these and turns on page checksums.
  services.postgresql.enable = true;
  services.redis.servers."".enable = true;

  # The plan's hybrid boot (BIOS boot partition and ESP): GRUB for both; disko adds the disk to
  # boot.loader.grub.devices.
  boot.loader.grub = {
    enable = true;
    efiSupport = true;
    efiInstallAsRemovable = true;
  };
  services.openssh.enable = true;
  users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-YOUR-KEY you@workstation" ];

  # The NixOS release this host was first installed with; never change it afterwards.
  system.stateVersion = "26.11";
}
