# Evaluates Panther's `storage` NixOS module without nixpkgs: lib.evalModules with the few NixOS
# options the module sets declared as stubs (typed where merging matters: lists of units' dependencies,
# assertions, warnings). Returns what the tests check: the units, files, disko layout, assertions.
# `modulesJson`: a JSON list of modules, each `{ "import": "modules/storage/…" }` (a file of this
# repository) or a plain configuration attrset; `withDisko = false` leaves disko's option undeclared.
# `extraModules` (Nix values, e.g. a flake's nixosModules) follow them; `specialArgs` as NixOS's
# (test/nix-flake.test.ts passes a fleet flake's `inputs`, which host modules use in `imports`).
{ lib, root, modulesJson ? "[]", withDisko ? true, extraModules ? [ ], specialArgs ? { } }:
let
  libs = import lib;
  modules = map (m: if m ? import then root + "/${m.import}" else m) (builtins.fromJSON modulesJson) ++ extraModules;
  inherit (libs) mkOption types;
  freeform = types.submodule { freeformType = types.lazyAttrsOf types.anything; };
  unit = types.submodule {
    freeformType = types.lazyAttrsOf types.anything;
    options = {
      wants = mkOption { type = types.listOf types.str; default = [ ]; };
      after = mkOption { type = types.listOf types.str; default = [ ]; };
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
      onFailure = mkOption { type = types.listOf types.str; default = [ ]; };
    };
  };
  stubs = {
    options = {
      assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; };
      warnings = mkOption { type = types.listOf types.str; default = [ ]; };
      environment.etc = mkOption { type = types.attrsOf freeform; default = { }; };
      environment.systemPackages = mkOption { type = types.listOf types.unspecified; default = [ ]; };
      boot.supportedFilesystems = mkOption { type = types.attrsOf types.bool; default = { }; };
      fileSystems = mkOption { type = types.attrsOf freeform; default = { }; };
      systemd.services = mkOption { type = types.attrsOf unit; default = { }; };
      systemd.timers = mkOption { type = types.attrsOf unit; default = { }; };
      systemd.tmpfiles.rules = mkOption { type = types.listOf types.str; default = [ ]; };
      services = mkOption { type = freeform; default = { }; };
      virtualisation = mkOption { type = freeform; default = { }; };
      users = mkOption { type = freeform; default = { }; };
    } // libs.optionalAttrs withDisko {
      disko.devices = mkOption { type = types.lazyAttrsOf types.anything; default = { }; };
    };
    config._module.args.pkgs = {
      btrfs-progs = "/nix/store/00000000000000000000000000000000-btrfs-progs";
    };
  };
  evaluated = libs.evalModules { modules = [ stubs ] ++ modules; inherit specialArgs; };
  c = evaluated.config;
  strip = u: builtins.removeAttrs u [ "_module" ];
in
{
  assertions = map (a: { inherit (a) assertion message; }) c.assertions;
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
  inherit (c) warnings fileSystems;
  services = builtins.mapAttrs (_: strip) c.systemd.services;
  timers = builtins.mapAttrs (_: strip) c.systemd.timers;
  tmpfiles = c.systemd.tmpfiles.rules;
  etc = builtins.mapAttrs (_: e: e.text or null) c.environment.etc;
  disko = if withDisko then c.disko.devices else null;
  scrub = c.services.btrfs.autoScrub or null;
  postgresql = c.services.postgresql or null;
  containers = c.virtualisation.containers or null;
  datadog = c.services.datadog-agent or null;
  prometheus = c.services.prometheus or null;
  caddy = c.services.caddy or null;
  users = c.users;
  supportedFilesystems = c.boot.supportedFilesystems;
}
