# hetzner: the production VPS with PostgreSQL and Redis (plan: production-vps).
# Its layout and schedule are ./plan.json; flake.nix sets storage.enable and storage.planFile and
# imports the profile modules. Hardware: `nixos-generate-config --no-filesystems --show-hardware-config
# > hardware-configuration.nix` on the machine (disko declares the file systems from the plan, so
# the generated file must not); it is imported once it exists.
{ inputs, lib, ... }:
{
  imports = [ inputs.agenix.nixosModules.default ]
    ++ lib.optional (builtins.pathExists ./hardware-configuration.nix) ./hardware-configuration.nix;

  # agenix decrypts these to /run/agenix/<name> at boot: outside the Nix store, root-only. The
  # services get them through systemd credentials (LoadCredential=), never through the store.
  age.secrets.panther-passphrase.file = ../../secrets/panther-passphrase.age;
  age.secrets.panther-b2.file = ../../secrets/panther-b2.age;

  storage.backup = {
    enable = true;
    repository = "s3://panther-fleet/hosts?region=eu-central-003&endpoint=https://s3.eu-central-003.backblazeb2.com";
    passphraseFile = "/run/agenix/panther-passphrase";
    credentialsFile = "/run/agenix/panther-b2";
    # USD a month for this host's share of the bucket: `panther cost` warns before it is reached.
    budget = 5;
  };
  # profiles/with-databases.nix orders the snapshots after these and turns on page checksums.
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
