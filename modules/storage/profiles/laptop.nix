# The specification's base laptop profile: retention 7 daily, 4 weekly, 12 monthly, read from the
# built-in laptop profiles (src/plan/profiles.json), as defaults a host can still override.
{ lib, ... }:
let storageLib = import ../../../lib/storage { inherit lib; }; in
{
  imports = [ ../default.nix ];
  storage.profile = "laptop";
  storage.snapshots.retention = lib.mapAttrs (_: lib.mkDefault) (storageLib.snapshotPolicy "laptop");
}
