# The `storage` NixOS module: deploys a host's Panther plan. The plan (`panther plan --json`, committed
# in the user's flake) is the single source of truth for layout and schedule; the options below only
# override single fields of it, and every override that the specification gets wrong (NOTES) is turned
# into what works, with a warning, or refused with an assertion that says the fix.
{ config, lib, pkgs, ... }:
let
  cfg = config.storage;
  storageLib = import ../../lib/storage { inherit lib; };
  plan = storageLib.readPlan cfg.planFile;
  resolved = storageLib.resolve plan {
    subvolumes = lib.mapAttrs (_: s: { inherit (s) mountOptions cow compression backup; }) cfg.btrfs.subvolumes;
    retention = cfg.snapshots.retention;
    inherit (cfg.snapshots) timezone;
    backup = { inherit (cfg.backup) window staggerMinutes bandwidth budget; };
  };
in
{
  imports = [ ./disko ./btrfs ./snapshots ./backup ./drill ./monitoring ./serve ];

  options.storage = {
    enable = lib.mkEnableOption "Panther storage: the host's btrfs layout, snapshots and offsite backups from its plan";

    package = lib.mkOption {
      type = lib.types.package;
      defaultText = lib.literalExpression "panther.packages.\${system}.panther (set by the flake's nixosModules.default)";
      description = "The panther CLI the services run.";
    };

    planFile = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      default = null;
      example = lib.literalExpression "./plan.json";
      description = ''
        The host's plan as `panther plan --json --out hosts/HOST/plan.json` wrote it. It decides the
        layout, the subvolumes and the schedule; the other options override single fields of it.
      '';
    };

    profile = lib.mkOption {
      type = lib.types.enum [ "laptop" "server" ];
      default = storageLib.profileClass plan;
      defaultText = lib.literalMD "`laptop` when the plan is for a laptop, else `server`";
      description = ''
        The specification's two base profiles. Set by importing profiles/laptop.nix or profiles/server.nix;
        it must agree with the plan (a laptop plan on a server profile is refused).
      '';
    };

    resolvedPlan = lib.mkOption {
      type = lib.types.attrsOf lib.types.anything;
      readOnly = true;
      internal = true;
      description = "The plan with every override applied: what /etc/panther/plan.json holds.";
    };
  };

  config = lib.mkIf cfg.enable {
    storage.resolvedPlan = resolved.plan;

    warnings = resolved.warnings;
    assertions =
      map (message: { assertion = false; inherit message; }) resolved.problems
      ++ [{
        assertion = cfg.profile == storageLib.profileClass plan;
        message = "storage.profile = \"${cfg.profile}\", but ${toString cfg.planFile} is the plan of a ${plan.machine} (profile ${plan.profile}); import profiles/${storageLib.profileClass plan}.nix instead, or re-plan the host";
      }];

    # What every panther command reads by default (--plan); the services also pass it explicitly.
    environment.etc."panther/plan.json".text = builtins.toJSON resolved.plan;
    environment.systemPackages = [ cfg.package ];

    boot.supportedFilesystems.btrfs = true;
  };
}
