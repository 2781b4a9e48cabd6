# `nix develop`: Node 24 and every program the CLI and its tests run (btrfs, loop devices,
# PostgreSQL/Redis/podman for the hook tests, systemd-analyze and nix-instantiate for the rendered
# files, zstd/age/attr for the backup tests).
# TypeScript and the other dev tools come from `npm ci` into node_modules/.
{
  mkShell,
  nodejs_24,
  btrfs-progs,
  e2fsprogs,
  util-linux,
  gptfdisk,
  dosfstools,
  nix,
  postgresql,
  redis,
  podman,
  systemd,
  zstd,
  age,
  attr,
}:
mkShell {
  # The same tools as scripts/setup.sh installs on Debian.
  packages = [ nodejs_24 btrfs-progs e2fsprogs util-linux gptfdisk dosfstools nix postgresql redis podman systemd zstd age attr ];
  # The npm `node` devDependency's install script downloads a generic Linux Node binary, which
  # cannot run on NixOS: skip install scripts (no other dependency needs one) and use nodejs_24.
  npm_config_ignore_scripts = "true";
  # After the shell's own PATH, so `node` stays nodejs_24 while `tsc` comes from node_modules.
  shellHook = ''
    export PATH="$PATH:$PWD/node_modules/.bin"
  '';
}
