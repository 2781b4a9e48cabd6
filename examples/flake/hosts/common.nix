# What every host of the fleet shares: the secrets Panther's services read, and the NixOS release.
{ inputs, ... }:
{
  imports = [ inputs.agenix.nixosModules.default ];

  # agenix decrypts these to /run/agenix/<name> at boot (outside the Nix store, root-only), where
  # storage.nix expects them; the services get them through systemd credentials (LoadCredential=).
  age.secrets.panther-passphrase.file = ../secrets/panther-passphrase.age;
  age.secrets.panther-b2.file = ../secrets/panther-b2.age;

  # The NixOS release the hosts were first installed with; never change it afterwards.
  system.stateVersion = "26.11";
}
