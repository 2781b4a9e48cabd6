# The `panther` CLI as a Nix package: nixpkgs' buildNpmPackage with importNpmLock, so every npm
# tarball is fetched with the integrity hash package-lock.json already records (no hash kept by hand).
#
# Why it does not use buildNpmPackage's own install phase:
# - Node 24 runs src/**/*.ts by stripping types, and refuses to do so for any file below a
#   `node_modules` directory (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). The default layout,
#   $out/lib/node_modules/panther-storage/src/…, would not start. The program lives in
#   $out/share/panther instead, its production node_modules beside src/.
# - devDependencies are never fetched (why: nix/package-source.nix, which also picks the files).
{
  lib,
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
  # Node runs the TypeScript sources directly: nothing to compile.
  dontNpmBuild = true;

  nativeBuildInputs = [ makeWrapper ];

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/panther $out/bin
    # The hook swapped in a package.json naming store paths; the original is the one to ship.
    if [ -f .package.json.orig ]; then cp .package.json.orig $out/share/panther/package.json
    else cp package.json $out/share/panther/package.json; fi
    cp -r src node_modules $out/share/panther/
    makeWrapper ${nodejs_24}/bin/node $out/bin/panther \
      --add-flags $out/share/panther/src/cli/panther.js \
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
