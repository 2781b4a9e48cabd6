# Panther's flake outputs, as a flake-parts module (flake.nix only names the systems).
#
#   nixosModules.default        the `storage` module, storage.package defaulting to this flake's CLI
#   nixosModules.storage        the same
#   nixosModules.storage-<p>    the same plus one profile module (laptop, server, with-databases,
#                               with-containers): each can be imported alone
#   flakeModules.default        for the user's fleet flake: panther.hosts.<name> → nixosConfigurations
#   overlays.default            pkgs.panther (and pkgs.panther-storage, the name older renders used)
#   lib                         lib/storage: the profiles and helpers as Nix data
#   packages.<system>.{panther,default}, checks.<system>.storage-unit-tests, devShells.<system>.default
{ self, inputs, lib, ... }:
let
  storageLib = import ../lib/storage { inherit lib; };

  # storage.package defaults to this flake's build for the host's platform (nixpkgs' callPackage
  # on the host's own pkgs for a platform this flake does not list). Guarded on the option
  # existing, so the module evaluates whichever parts of modules/storage are present. The key makes
  # the module system apply it once however many of our modules a host imports.
  packageDefault = {
    key = "panther#storage.package-default";
    _file = "${toString ./flake-module.nix}#packageDefault";
    imports = [
      ({ lib, options, pkgs, ... }: {
        config = lib.optionalAttrs (options ? storage.package) {
          storage.package = lib.mkDefault
            (self.packages.${pkgs.stdenv.hostPlatform.system}.panther or (pkgs.callPackage ./package.nix { }));
        };
      })
    ];
  };

  # default.nix by name: the profile modules import it as ../default.nix, and the module system
  # recognises a file imported twice only by the same path.
  storageModule = { imports = [ ../modules/storage/default.nix packageDefault ]; };
  withProfile = name: { imports = [ storageModule (../modules/storage/profiles + "/${name}.nix") ]; };
in
{
  # Declares flake.flakeModules (flake-parts' own extra module).
  imports = [ inputs.flake-parts.flakeModules.flakeModules ];

  flake = {
    nixosModules = {
      default = storageModule;
      storage = storageModule;
      storage-laptop = withProfile "laptop";
      storage-server = withProfile "server";
      storage-with-databases = withProfile "with-databases";
      storage-with-containers = withProfile "with-containers";
    };

    flakeModules.default = import ./fleet-module.nix { panther = self; disko = inputs.disko; };

    overlays.default = final: _prev: {
      panther = final.callPackage ./package.nix { };
      panther-storage = final.panther;
    };

    lib = storageLib;
  };

  perSystem = { pkgs, self', ... }: {
    packages = {
      panther = pkgs.callPackage ./package.nix { };
      default = self'.packages.panther;
    };
    checks.storage-unit-tests = pkgs.callPackage ./unit-tests-check.nix { storage = storageLib; };
    devShells.default = pkgs.callPackage ./dev-shell.nix { };
  };
}
