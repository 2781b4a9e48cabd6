# Podman on its own no-CoW subvolume. The overlay storage driver, not btrfs: the btrfs driver makes
# every image layer a subvolume of its own, and a snapshot of @containers does not descend into nested
# subvolumes, so the snapshot and its backup would silently miss every layer.
{ config, lib, ... }:
let
  cfg = config.storage;
  containers = lib.filter (s: s.workload == "container")
    (lib.concatMap (pool: pool.subvolumes) cfg.resolvedPlan.pools);
in
{
  config = lib.mkIf cfg.enable {
    assertions = [{
      assertion = containers != [ ];
      message = "profiles/with-containers.nix: the plan of ${cfg.resolvedPlan.host} has no container subvolume; use a profile with @containers or drop this import";
    }];
    virtualisation.containers.storage.settings.storage.driver = lib.mkDefault "overlay";
  };
}
