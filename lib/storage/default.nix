# Panther's Nix helpers: pure functions over the plan JSON and the built-in profiles, for the NixOS
# module, the flake's `lib` output and the nix-unit tests. Profiles are read from the one file the CLI
# uses (src/plan/profiles.json); nothing here re-types them.
{ lib }:
let
  profilesFile = builtins.fromJSON (builtins.readFile ../../src/plan/profiles.json);
in
{
  profiles = builtins.listToAttrs (map (p: { name = p.id; value = p; }) profilesFile.profiles);
}
