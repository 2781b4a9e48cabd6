# What nix/package.nix builds from, as plain Nix data (test/nix-flake.test.ts evaluates it without
# nixpkgs): the source files that run, and package.json / package-lock.json without devDependencies.
{ lib }:
let
  fs = lib.fileset;
  testOnly = fs.unions [
    (fs.fileFilter (file: lib.hasSuffix ".test.ts" file.name || lib.hasSuffix "-test-support.ts" file.name) ../src)
    ../src/btrfs/testdata
    ../src/snapshot/hooks/testdata
    # `node src/repo/format/make-fixtures.ts` regenerates test/fixtures/format: a developer's tool.
    ../src/repo/format/make-fixtures.ts
    ../src/repo/format/fixture-spec.ts
  ];
  packageJson = lib.importJSON ../package.json;
  packageLock = lib.importJSON ../package-lock.json;
in
{
  # tests/, test/, docs/, bench/, examples/ and the Nix files stay out: editing them does not
  # rebuild the package.
  fileset = fs.unions [ ../package.json ../package-lock.json (fs.difference ../src testOnly) ];
  root = ../.;
  inherit packageJson;
  # The npm `node` devDependency's install script downloads a Node binary (no network in the
  # sandbox; nixpkgs' nodejs_24 runs the CLI), and typescript, fast-check and fauxqs serve the
  # tests and the demo: devDependencies are never fetched. The lock marks dev-only entries "dev".
  productionPackage = removeAttrs packageJson [ "devDependencies" ];
  productionLock = packageLock // {
    packages = lib.mapAttrs (name: entry: if name == "" then removeAttrs entry [ "devDependencies" ] else entry)
      (lib.filterAttrs (_: entry: !(entry.dev or false)) packageLock.packages);
  };
}
