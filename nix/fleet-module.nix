# flakeModules.default: the flake-parts module a fleet's own flake imports.
#
#   imports = [ inputs.panther.flakeModules.default ];
#   panther.hosts.zephyrus = { planFile = ./hosts/zephyrus/plan.json; modules = [ ./hosts/zephyrus ]; };
#
# For each host it reads the plan (`panther plan --json --out hosts/<host>/plan.json`), assembles the
# NixOS module list (Panther's module with storage.enable and storage.planFile set, the profile
# modules the plan calls for, disko's module, the host's own modules) and, when the fleet flake has
# a `nixpkgs` input, builds
# nixosConfigurations.<host> with it. The plan data and module lists are outputs of their own
# (flake.panther.hosts.<host>), so they can be read without nixpkgs.
{ panther, disko }:
{ config, lib, inputs, ... }:
let
  inherit (lib) mkOption types;

  # The same choice as src/render/nixos.ts hostModules (test/nix-flake.test.ts holds them equal).
  profileModulesOf = plan:
    let workloads = map (s: s.workload) (lib.concatMap (pool: pool.subvolumes) plan.pools); in
    [ (if plan.machine == "laptop" then "storage-laptop" else "storage-server") ]
    ++ lib.optional (lib.elem "database" workloads) "storage-with-databases"
    ++ lib.optional (lib.elem "container" workloads) "storage-with-containers";

  hostOptions = { name, config, ... }: {
    options = {
      planFile = mkOption {
        type = types.path;
        description = "The host's plan: `panther plan --json --out hosts/${name}/plan.json`. The single source of truth for its layout and schedule.";
      };
      system = mkOption {
        type = types.str;
        default = "x86_64-linux";
        description = "The host's platform.";
      };
      modules = mkOption {
        type = types.listOf types.deferredModule;
        default = [ ];
        description = "The host's own NixOS modules (hardware, services, storage.* overrides, secrets).";
      };
      profileModules = mkOption {
        type = types.bool;
        default = true;
        description = "Import the profile modules the plan calls for (what `panther render nixos` lists): storage-laptop or storage-server, storage-with-databases when it has a database subvolume, storage-with-containers when it has a container subvolume.";
      };
      disko = mkOption {
        type = types.bool;
        default = true;
        description = "Import disko's NixOS module (the fleet flake's `disko` input, else Panther's), so storage.disko can set disko.devices from the plan.";
      };
      specialArgs = mkOption {
        type = types.attrsOf types.raw;
        default = { };
        description = "Extra arguments for the host's modules, beside `inputs` (the fleet flake's inputs).";
      };
      plan = mkOption {
        type = types.raw;
        readOnly = true;
        default = lib.importJSON config.planFile;
        defaultText = lib.literalExpression "lib.importJSON planFile";
        description = "The plan, read from planFile.";
      };
      nixosModules = mkOption {
        type = types.listOf types.raw;
        readOnly = true;
        description = "Every NixOS module of the host, in the order nixosSystem gets them.";
      };
    };
    config.nixosModules =
      [ panther.nixosModules.default ]
      ++ lib.optionals config.profileModules (map (m: panther.nixosModules.${m}) (profileModulesOf config.plan))
      ++ lib.optional config.disko (inputs.disko or disko).nixosModules.disko
      ++ [
        {
          _file = "${toString ./fleet-module.nix}#panther.hosts.${name}";
          networking.hostName = lib.mkDefault name;
          nixpkgs.hostPlatform = lib.mkDefault config.system;
          storage = {
            enable = lib.mkDefault true;
            planFile = config.planFile;
          };
          assertions = [{
            assertion = config.plan.host == name;
            message = "panther.hosts.${name}.planFile is the plan of host \"${config.plan.host}\": run `panther plan --host ${name} --json --out hosts/${name}/plan.json` (or fix the path).";
          }];
        }
      ]
      ++ config.modules;
  };
in
{
  options.panther = {
    hosts = mkOption {
      type = types.attrsOf (types.submodule hostOptions);
      default = { };
      description = "The fleet's hosts, each with its Panther plan and NixOS modules.";
    };
    nixpkgs = mkOption {
      type = types.nullOr types.raw;
      default = inputs.nixpkgs or null;
      defaultText = lib.literalExpression "inputs.nixpkgs or null";
      description = "The nixpkgs flake whose lib.nixosSystem builds the hosts; null: no nixosConfigurations.";
    };
  };

  config.flake = {
    panther.hosts = lib.mapAttrs (_: host: { inherit (host) plan system nixosModules; }) config.panther.hosts;
    nixosConfigurations = lib.optionalAttrs (config.panther.nixpkgs != null)
      (lib.mapAttrs
        (_: host: config.panther.nixpkgs.lib.nixosSystem {
          specialArgs = { inherit inputs; } // host.specialArgs;
          modules = host.nixosModules;
        })
        config.panther.hosts);
  };
}
