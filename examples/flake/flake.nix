# The fleet's flake: five NixOS hosts whose storage Panther plans and deploys. Each host's layout and
# schedule come from hosts/<host>/plan.json (`panther plan … --json --out hosts/<host>/plan.json`);
# hosts/<host>/default.nix adds the secrets and whatever overrides that host needs.
{
  description = "A NixOS fleet with Panther storage (zephyrus, yoga, hetzner, contabo, ovh)";

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
    # Where you get Panther. "path:../.." is this repository, for trying the example inside it
    # (a relative path input needs Nix 2.26 or later); in your own fleet repository use the URL you
    # fetch Panther from (github:OWNER/REPO).
    panther = {
      url = "path:../..";
      inputs.nixpkgs.follows = "nixpkgs";
      inputs.flake-parts.follows = "flake-parts";
      inputs.disko.follows = "disko";
    };
    # Decrypts the repository passphrase and the B2 key to /run/agenix/… at boot (sops-nix or OpNix
    # work the same way: the module only needs paths outside the Nix store).
    agenix = {
      url = "github:ryantm/agenix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = inputs:
    inputs.flake-parts.lib.mkFlake { inherit inputs; } {
      # panther.hosts.<name> → nixosConfigurations.<name> (and flake.panther.hosts.<name>: the plan
      # and the module list, readable without building anything).
      imports = [ inputs.panther.flakeModules.default ];
      systems = [ "x86_64-linux" ];

      # Each host also gets the profile modules its plan calls for (storage-laptop or storage-server,
      # storage-with-databases, storage-with-containers: the list atop hosts/<host>/storage.nix).
      panther.hosts = {
        zephyrus = { planFile = ./hosts/zephyrus/plan.json; modules = [ ./hosts/zephyrus ]; };
        yoga = { planFile = ./hosts/yoga/plan.json; modules = [ ./hosts/yoga ]; };
        hetzner = { planFile = ./hosts/hetzner/plan.json; modules = [ ./hosts/hetzner ]; };
        contabo = { planFile = ./hosts/contabo/plan.json; modules = [ ./hosts/contabo ]; };
        ovh = { planFile = ./hosts/ovh/plan.json; modules = [ ./hosts/ovh ]; };
      };
    };
}
