# What nix/package.nix builds from, as plain Nix data (test/nix-flake.test.ts evaluates it without
# nixpkgs): the source files that run, and package.json / package-lock.json without devDependencies.
{ lib }:
let
  fs = lib.fileset;
  testOnly = fs.unions [
    (fs.fileFilter (file: lib.hasSuffix ".test.ts" file.name || lib.hasSuffix "-test-support.ts" file.name) ../src)
    ../src/btrfs/testdata
    ../src/snapshot/hooks/testdata
    ../src/drill/verify/testdata
    # The test support docs/DECISIONS.md lets live in src/ ("Nothing a command loads imports them";
    # test/nix-flake.test.ts checks it against the CLI's imports).
    ../src/repo/format
    ../src/repo/testing
    ../src/repo/lock/testing
    ../src/repo/backend/conformance.ts
    ../src/repo/backend/fault.ts
    ../src/repo/writer/measure-throughput.ts
  ];
  packageJson = lib.importJSON ../package.json;
  packageLock = lib.importJSON ../package-lock.json;

  # Our package-lock.json records no `resolved` URLs (npm omits them for the default registry), and
  # importNpmLock fetches only entries that have one. A registry tarball's URL follows from the
  # package's name and version; the lock's integrity hash still decides what is accepted.
  # scripts/simulate-nix-package.sh installs from exactly these URLs.
  packageName = path: entry: entry.name or (lib.last (lib.splitString "node_modules/" path));
  registryTarball = name: version:
    "https://registry.npmjs.org/${name}/-/${lib.last (lib.splitString "/" name)}-${version}.tgz";
  withResolved = path: entry:
    if path == "" || entry ? resolved || entry.link or false || !(entry ? integrity) then entry
    else entry // { resolved = registryTarball (packageName path entry) entry.version; };
in
{
  # tests/, test/, docs/, bench/, examples/ and the Nix files stay out: editing them does not
  # rebuild the package. scripts/build.ts and bundle.ts build the bundle the package runs (dist/).
  fileset = fs.unions [ ../package.json ../package-lock.json (fs.difference ../src testOnly) ../scripts/build.ts ../scripts/bundle.ts ];
  root = ../.;
  inherit packageJson;
  # The npm `node` devDependency's install script downloads a Node binary (no network in the
  # sandbox; nixpkgs' nodejs_24 runs the CLI), and typescript, fast-check and fauxqs serve the
  # tests and the demo: devDependencies are never fetched. The lock marks dev-only entries "dev".
  productionPackage = removeAttrs packageJson [ "devDependencies" ];
  # esbuild (a devDependency) builds the bundle: its JavaScript API and the build machine's binary,
  # fetched from the lock's URL and integrity for the build only (the installed package has neither).
  esbuild = let
    tarball = path: let entry = packageLock.packages.${path}; in { url = registryTarball (packageName path entry) entry.version; hash = entry.integrity; };
  in {
    api = tarball "node_modules/esbuild";
    binary = {
      x86_64-linux = tarball "node_modules/@esbuild/linux-x64";
      aarch64-linux = tarball "node_modules/@esbuild/linux-arm64";
    };
  };
  productionLock = packageLock // {
    packages = lib.mapAttrs (path: entry: if path == "" then removeAttrs entry [ "devDependencies" ] else withResolved path entry)
      (lib.filterAttrs (_: entry: !(entry.dev or false)) packageLock.packages);
  };
}
