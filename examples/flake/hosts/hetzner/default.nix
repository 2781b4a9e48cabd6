# hetzner: the production VPS with PostgreSQL and Redis (plan: production-vps).
# Its layout and schedule are ./plan.json; ./storage.nix (`panther render nixos`, regenerated, not
# edited) points the storage module at it and at the backup repository and secrets; this file adds
# what is this host's own, overrides of single plan fields included.
# Hardware: `nixos-generate-config --no-filesystems --show-hardware-config > hardware-configuration.nix`
# on the machine (disko declares the file systems from the plan, so the generated file must not); it
# is imported once it exists.
{ lib, ... }:
{
  imports = [ ./storage.nix ../common.nix ../vps.nix ]
    ++ lib.optional (builtins.pathExists ./hardware-configuration.nix) ./hardware-configuration.nix;

  # USD a month for this host's share of the bucket: `panther cost` warns before it is reached.
  storage.backup.budget = 5;
  # storage-with-databases orders the snapshots after these and turns on page checksums.
  services.postgresql.enable = true;
  services.redis.servers."".enable = true;
}
