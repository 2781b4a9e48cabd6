# The `panther` CLI as a Nix package: nixpkgs' buildNpmPackage with importNpmLock, so every npm
# tarball is fetched with the integrity hash package-lock.json already records (no hash kept by hand).
#
# Why it does not use buildNpmPackage's own install phase:
# - Node 24 runs src/**/*.ts by stripping types, and refuses to do so for any file below a
#   `node_modules` directory (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). The default layout,
#   $out/lib/node_modules/panther-storage/src/…, would not start. The program lives in
#   $out/share/panther instead, its production node_modules beside src/.
# - devDependencies are never fetched (why: nix/package-source.nix, which also picks the files),
#   but for esbuild at build time: the wrapper runs the bundle (dist/, scripts/bundle.ts), which
#   starts faster than the sources (docs/DECISIONS.md).
{
  lib,
  stdenv,
  fetchurl,
  buildNpmPackage,
  importNpmLock,
  nodejs_24,
  makeWrapper,
  btrfs-progs,
  e2fsprogs,
  util-linux,
  gptfdisk,
  dosfstools,
  attr,
  systemd,
}:
let
  source = import ./package-source.nix { inherit lib; };
  src = lib.fileset.toSource { inherit (source) root fileset; };
  # Node's flags for every run (why: src/cli/panther.js, whose shebang passes the same ones). The
  # wrapper splits --add-flags at spaces: only plain `--name` or `--name=number` flags are taken.
  nodeFlags = let flags = lib.importJSON ../src/cli/node-flags.json; in
    assert lib.assertMsg (lib.all (f: builtins.match "--[a-z0-9-]+(=[0-9]+)?" f != null) flags)
      "src/cli/node-flags.json: each flag must be --name or --name=number";
    lib.concatStringsSep " " flags;
  packageJson = source.packageJson;

  # What panther spawns, by program (grep src for run('…'), spawnStream('…'), CMD = '…'):
  #   btrfs, mkfs.btrfs                                           btrfs-progs
  #   chattr, lsattr                                              e2fsprogs
  #   mount, umount, losetup, findmnt, blkid, wipefs, sfdisk,
  #   partx, blockdev, flock                                      util-linux
  #   sgdisk                                                      gptfdisk
  #   mkfs.vfat                                                   dosfstools
  #   getfattr (restore drills compare extended attributes)        attr
  #   unshare, setpriv (restore drills)                            util-linux
  # They come first on PATH: panther parses their output, so it runs the versions it was built with.
  # udevadm (systemd) goes last, so the host's own systemd wins. Left to the host's PATH on purpose:
  # podman and the programs of `command` hooks (the user's), pg_controldata (must match the
  # server's major version), nix-instantiate (only `panther demo` evaluates files), and postgres,
  # redis-server for the restore drills (the host's own servers: the storage module puts the packages
  # of services.postgresql / services.redis on the drill services' PATH).
  runtimeTools = [ btrfs-progs e2fsprogs util-linux gptfdisk dosfstools attr ];

  esbuildApi = fetchurl source.esbuild.api;
  esbuildBinary = fetchurl (source.esbuild.binary.${stdenv.hostPlatform.system}
    or (throw "panther: no esbuild binary in package-lock.json for ${stdenv.hostPlatform.system}"));
in
buildNpmPackage {
  pname = "panther";
  inherit (packageJson) version;
  inherit src;
  nodejs = nodejs_24;

  npmDeps = importNpmLock {
    npmRoot = src;
    package = source.productionPackage;
    packageLock = source.productionLock;
  };
  npmConfigHook = importNpmLock.npmConfigHook;
  # importNpmLock's hook runs `npm rebuild` after installing; no production dependency has an
  # install script, and none may run one.
  npmRebuildFlags = [ "--ignore-scripts" ];
  # npm's build hook is not used: buildPhase brings esbuild itself.
  dontNpmBuild = true;

  nativeBuildInputs = [ makeWrapper ];

  # The bundle (npm run build → dist/), with esbuild unpacked into node_modules for this step only.
  buildPhase = ''
    runHook preBuild
    mkdir -p node_modules/esbuild .esbuild-binary
    tar -xzf ${esbuildApi} --strip-components=1 -C node_modules/esbuild
    tar -xzf ${esbuildBinary} --strip-components=1 -C .esbuild-binary
    ESBUILD_BINARY_PATH=$PWD/.esbuild-binary/bin/esbuild node scripts/build.ts
    rm -rf node_modules/esbuild .esbuild-binary
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/panther $out/bin
    # The hook swapped in a package.json naming store paths; the original is the one to ship.
    if [ -f .package.json.orig ]; then cp .package.json.orig $out/share/panther/package.json
    else cp package.json $out/share/panther/package.json; fi
    # src/ too: the bundle reads the web UI (src/web) from there, and src/cli/panther.js still runs.
    cp -r src dist node_modules $out/share/panther/
    makeWrapper ${nodejs_24}/bin/node $out/bin/panther \
      --add-flags ${lib.escapeShellArg nodeFlags} \
      --add-flags $out/share/panther/dist/panther.js \
      --prefix PATH : ${lib.makeBinPath runtimeTools} \
      --suffix PATH : ${lib.makeBinPath [ systemd ]}
    runHook postInstall
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/panther --version | grep -Fx ${lib.escapeShellArg packageJson.version}
    $out/bin/panther profiles --json > /dev/null
    runHook postInstallCheck
  '';

  passthru = { inherit runtimeTools; };

  meta = {
    description = packageJson.description;
    license = lib.licenses.mit;
    mainProgram = "panther";
    platforms = lib.platforms.linux;
  };
}
