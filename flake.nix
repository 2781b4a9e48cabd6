{
  description = "Panther Storage: plan, snapshot, back up and prove btrfs storage for a small NixOS fleet";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts = {
      url = "github:hercules-ci/flake-parts";
      inputs.nixpkgs-lib.follows = "nixpkgs";
    };
    disko = {
      url = "github:nix-community/disko";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  # Everything is in nix/flake-module.nix; test/nix-flake.test.ts calls this function with the
  # inputs passed by hand, so keep it a plain mkFlake call.
  outputs = inputs:
    inputs.flake-parts.lib.mkFlake { inherit inputs; } {
      imports = [ ./nix/flake-module.nix ];
      systems = [ "x86_64-linux" "aarch64-linux" ];
    };
}
