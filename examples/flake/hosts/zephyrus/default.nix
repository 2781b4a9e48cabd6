# zephyrus: the development laptop, two NVMe drives as two pools (plan: dev-laptop).
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
    # A home uplink: leave room for everything else at night.
    bandwidth = "20Mbit";
  };

  # UEFI: the plan gives this pool an ESP (mounted at /boot by disko).
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  # The NixOS release this host was first installed with; never change it afterwards.
  system.stateVersion = "26.11";
}
