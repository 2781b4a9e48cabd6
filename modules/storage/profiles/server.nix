# The specification's base server profile: retention 30 daily, 12 weekly, 12 monthly, read from the
# built-in VPS profiles (src/plan/profiles.json), as defaults a host can still override.
{ lib, ... }:
let storageLib = import ../../../lib/storage { inherit lib; }; in
{
  imports = [ ../default.nix ];
  storage.profile = "server";
  storage.snapshots.retention = lib.mapAttrs (_: lib.mkDefault) (storageLib.snapshotPolicy "server");
}
