#!/usr/bin/env bash
# Rehearses nix/package.nix's build where Nix cannot build (no nixpkgs, no sandbox): the same files,
# the same package.json/package-lock.json without devDependencies (both read from
# nix/package-source.nix with nix-instantiate), `npm ci --ignore-scripts` (from the registry, where
# importNpmLock's hook installs the same tarballs from the Nix store), the same
# $out/share/panther + $out/bin/panther layout, then the package's install check and a few commands.
#
#   scripts/simulate-nix-package.sh NIX_LIBS_DIR [OUT_DIR]
#
# NIX_LIBS_DIR holds nixpkgs-lib/lib (see test/support/nix-libs.ts). OUT_DIR (default: a temp dir,
# removed at the end) keeps the result for inspection. Needs nix-instantiate, npm and network.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
libs="${1:?usage: $0 NIX_LIBS_DIR [OUT_DIR]}"
node="${NODE:-$repo/node_modules/.bin/node}"
work="$(mktemp -d)"
keep="${2:-}"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/source.nix" <<'EOF'
{ lib, root }:
let
  l0 = import lib;
  # Nix < 2.14 (Debian's) has no builtins.readFileType, which lib.filesystem.pathType is.
  l = if builtins ? readFileType then l0 else l0.extend (final: prev: {
    filesystem = prev.filesystem // {
      pathType = path: if dirOf path == path then "directory" else (builtins.readDir (dirOf path)).${baseNameOf path};
    };
  });
  s = import (root + "/nix/package-source.nix") { lib = l; };
in {
  files = map (f: l.removePrefix (toString s.root + "/") (toString f)) (l.fileset.toList s.fileset);
  inherit (s) productionPackage productionLock;
}
EOF
mkdir "$work/store"
NIX_REMOTE="local?root=$work/store" nix-instantiate --readonly-mode --eval --strict --json \
  --arg lib "$libs/nixpkgs-lib/lib" --arg root "$repo" -- "$work/source.nix" > "$work/source.json"

# The build directory: the fileset's files, then the production package.json and lock.
build="$work/build"
mkdir "$build"
"$node" -e '
  const { readFileSync, writeFileSync, mkdirSync, copyFileSync } = require("node:fs");
  const { dirname, join } = require("node:path");
  const [source, repo, build] = process.argv.slice(1);
  const s = JSON.parse(readFileSync(source, "utf8"));
  for (const f of s.files) { mkdirSync(dirname(join(build, f)), { recursive: true }); copyFileSync(join(repo, f), join(build, f)); }
  writeFileSync(join(build, "package.json"), JSON.stringify(s.productionPackage, null, 2));
  writeFileSync(join(build, "package-lock.json"), JSON.stringify(s.productionLock, null, 2));
  console.log(`${s.files.length} source files, ${Object.keys(s.productionLock.packages).length - 1} production packages`);
' "$work/source.json" "$repo" "$build"

# A fresh cache: every tarball comes from its `resolved` URL, as importNpmLock fetches it.
(cd "$build" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --cache "$work/npm-cache")

# buildPhase: the bundle, with esbuild for this step only (Nix unpacks the lock's two tarballs; here
# the checkout's install of the same version serves).
mkdir -p "$build/node_modules/@esbuild"
cp -r "$repo/node_modules/esbuild" "$build/node_modules/esbuild"
cp -r "$repo/node_modules/@esbuild/." "$build/node_modules/@esbuild/"
(cd "$build" && "$node" scripts/build.ts)
rm -rf "$build/node_modules/esbuild" "$build/node_modules/@esbuild"

# installPhase
out="${keep:-$work/out}"
rm -rf "$out"
mkdir -p "$out/share/panther" "$out/bin"
cp "$repo/package.json" "$out/share/panther/package.json"
cp -r "$build/src" "$build/dist" "$build/node_modules" "$out/share/panther/"
# makeWrapper --add-flags: Node's flags (src/cli/node-flags.json), then the bundle.
flags="$("$node" -p 'require(process.argv[1]).map((f) => `'"'"'${f}'"'"'`).join(" ")' "$repo/src/cli/node-flags.json")"
cat > "$out/bin/panther" <<EOF
#!/bin/sh
PATH='/usr/sbin:/usr/bin:/sbin:/bin'\${PATH:+':'}\$PATH
export PATH
exec '$node' $flags '$out/share/panther/dist/panther.js' "\$@"
EOF
chmod +x "$out/bin/panther"

echo "node_modules: $(ls "$out/share/panther/node_modules" | tr '\n' ' ')"
echo "size: $(du -sh "$out" | cut -f1)"
# installCheckPhase, from a directory that is not the repository.
cd "$work"
test "$("$out/bin/panther" --version)" = "$("$node" -p "require('$repo/package.json').version")"
"$out/bin/panther" profiles --json > /dev/null
echo "ok: panther --version, panther profiles --json"
"$out/bin/panther" plan --inventory "$repo/examples/inventory.json" --host zephyrus \
  --facter "$repo/examples/facter/zephyrus.json" --json > plan.json 2> /dev/null
cmp plan.json "$repo/examples/flake/hosts/zephyrus/plan.json"
echo "ok: panther plan (zephyrus) = examples/flake/hosts/zephyrus/plan.json"
"$out/bin/panther" render nixos --plan plan.json > /dev/null
echo "ok: panther render nixos"
# Every command module loads with the production node_modules alone (a devDependency imported at
# run time fails here). demo is the known exception: it needs the checkout (examples/, fauxqs).
"$node" --input-type=module -e '
  import { readdirSync } from "node:fs";
  const dir = process.argv[1];
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "demo.ts");
  for (const f of files) await import(`${dir}/${f}`);
  console.log(`ok: ${files.length} command modules load (demo.ts left out: it needs the checkout)`);
' "$out/share/panther/src/cli/commands"
