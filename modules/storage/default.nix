# The `storage` NixOS module: deploys a host's Panther plan (work in progress, issue 12).
{ lib, ... }:
{
  options.storage.enable = lib.mkEnableOption "Panther storage";
}
