// Where the tests find the Nix libraries Panther's rendered files are written against: nixpkgs' `lib`,
// disko and flake-parts. They are never copied into this repository. One variable says where they are:
//
//   PANTHER_NIX_LIBS=DIR   a folder holding nixpkgs-lib/ (with lib/), disko/ and flake-parts/
//                          (default: ../shared/vendor beside the repository, present in CI)
//
// Without it (and without the default folder) `<nixpkgs>`, `<disko>` and `<flake-parts>` on NIX_PATH
// are used. When neither gives a library, the tests that need it say exactly which is missing, and
// fail under CI=true instead of skipping.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nixString } from '../../src/render/nix.ts';

export const NIX_LIBS_VARIABLE = 'PANTHER_NIX_LIBS';
const DEFAULT_DIR = resolve(fileURLToPath(new URL('../../../shared/vendor', import.meta.url)));

export interface NixLibs {
  /** Nix expressions (paths) for each library, ready to interpolate into a .nix file. */
  lib: string;
  disko: string;
  flakeParts: string;
  /** Where they came from, for messages. */
  source: string;
}

function nixPathEntries(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const part of (process.env['NIX_PATH'] ?? '').split(':')) {
    const eq = part.indexOf('=');
    if (eq > 0) entries.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return entries;
}

/** The libraries, or the sentences saying what is missing. */
export function findNixLibs(): { libs: NixLibs; missing: [] } | { libs: null; missing: string[] } {
  const configured = process.env[NIX_LIBS_VARIABLE];
  const dir = configured !== undefined && configured !== '' ? resolve(configured) : DEFAULT_DIR;
  const inDir = { lib: join(dir, 'nixpkgs-lib', 'lib'), disko: join(dir, 'disko'), flakeParts: join(dir, 'flake-parts') };
  const present = existsSync(join(inDir.lib, 'default.nix')) && existsSync(join(inDir.disko, 'lib', 'default.nix')) &&
    existsSync(join(inDir.flakeParts, 'flake.nix'));
  if (present) {
    return { libs: { lib: nixString(inDir.lib), disko: nixString(inDir.disko), flakeParts: nixString(inDir.flakeParts), source: dir }, missing: [] };
  }
  const path = nixPathEntries();
  const missing: string[] = [];
  if (!path.has('nixpkgs')) missing.push('nixpkgs lib');
  if (!path.has('disko')) missing.push('disko');
  if (!path.has('flake-parts')) missing.push('flake-parts');
  if (missing.length === 0) {
    return { libs: { lib: '<nixpkgs/lib>', disko: '<disko>', flakeParts: '<flake-parts>', source: 'NIX_PATH' }, missing: [] };
  }
  return {
    libs: null,
    missing: [`${missing.join(', ')} not found: ${configured ? `${NIX_LIBS_VARIABLE}=${dir} lacks nixpkgs-lib/lib, disko or flake-parts` : `no ${DEFAULT_DIR}`}` +
      ` and NIX_PATH has no ${missing.map((m) => `<${m === 'nixpkgs lib' ? 'nixpkgs' : m}>`).join(', ')};` +
      ` set ${NIX_LIBS_VARIABLE} to a folder with nixpkgs-lib/ (nix-community/nixpkgs.lib), disko/ and flake-parts/ checkouts, or add them to NIX_PATH`],
  };
}

/** For `describe(name, { skip: nixLibsSkip() })`: a reason to skip locally; throws under CI. */
export function nixLibsSkip(): string | false {
  const found = findNixLibs();
  if (found.libs !== null) return false;
  const reason = found.missing.join('; ');
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: Nix evaluation tests must run, not skip)`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}
