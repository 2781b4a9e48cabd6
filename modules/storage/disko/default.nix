# The host's disks as disko declares them, derived from the plan (lib/storage/disko.nix; the same layout
# `panther render disko` writes). disko turns it into fileSystems and swapDevices, and formats the disks
# when run in its destroy/format/mount mode (nixos-anywhere, disko-install).
{ config, lib, options, ... }:
let
  cfg = config.storage;
  storageLib = import ../../../lib/storage { inherit lib; };
  hasDisko = options ? disko && options.disko ? devices;
in
{
  options.storage.disko.enable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = ''
      Set `disko.devices` from the plan. Needs disko's NixOS module (inputs.disko.nixosModules.disko);
      turn it off to keep a hand-written disko configuration.
    '';
  };

  config = lib.mkIf (cfg.enable && cfg.disko.enable) (lib.mkMerge [
    { assertions = [{
        assertion = hasDisko;
        message = "storage.disko.enable: disko's NixOS module is not imported; add inputs.disko.nixosModules.disko to the host's modules, or set storage.disko.enable = false and declare the file systems yourself";
      }]; }
    (lib.optionalAttrs hasDisko { disko.devices = storageLib.diskoDevices cfg.resolvedPlan; })
  ]);
}
