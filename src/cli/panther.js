#!/usr/bin/env -S node --max-semi-space-size=1
// The `panther` executable (package.json "bin", the Nix wrapper). Plain JavaScript on purpose: Node
// strips the types of every .ts file it loads, and starting the stripper alone costs about twice a
// bare `node -e 0`. Node's compile cache keeps the stripped and compiled code of every module, so a
// command started again (a timer every 15 minutes, a script) skips both; it must be on before the
// first .ts file is loaded, hence this file. Where the cache lives and why: docs/DECISIONS.md.
// It is also the bundle's entry (scripts/bundle.ts → dist/panther.js, what the Nix package runs):
// the same code, with main.ts and what it loads joined into chunks.
// Node's flags (src/cli/node-flags.json: the shebang here, the Nix wrapper and the bench pass the
// same ones): a young generation of 1 MiB semi-spaces, so the buffers a backup or a restore drops
// die at the next scavenge instead of piling up while V8 grows its young generation (peak RSS of a
// 2 GB backup 140 → 109 MiB, flat to 8 GB; docs/DECISIONS.md, "Issue 16: a small young
// generation, zlib's buffers, the sink's writes"). They cannot be set from inside: V8 sizes its
// heap before any script runs.
import { lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';

/** Root's cache is root's alone; a user's under $XDG_CACHE_HOME or ~/.cache. undefined: none. */
function cacheDir(env, uid) {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'panther', 'node-compile-cache');
  if (uid === 0) return '/var/cache/panther/node-compile-cache';
  const home = env.HOME;
  return home !== undefined && isAbsolute(home) ? join(home, '.cache', 'panther', 'node-compile-cache') : undefined;
}

/**
 * Node runs cached code without asking where it came from: a directory another user can write to
 * would let them run code as whoever runs panther (root, on a host). So the cache directory and its
 * parent must belong to this user (or root) and be writable by nobody else; otherwise no cache.
 */
function private_(path, uid) {
  const s = lstatSync(path);
  return s.isDirectory() && (s.uid === uid || s.uid === 0) && (s.mode & 0o022) === 0;
}

function enableCache() {
  // NODE_COMPILE_CACHE (already on) and NODE_DISABLE_COMPILE_CACHE are the user's word.
  if (process.env.NODE_COMPILE_CACHE !== undefined || process.env.NODE_DISABLE_COMPILE_CACHE !== undefined) return;
  const uid = process.getuid?.() ?? -1;
  const dir = cacheDir(process.env, uid);
  if (dir === undefined) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (private_(dir, uid) && private_(dirname(dir), uid)) enableCompileCache(dir);
  } catch {
    // A read-only or foreign cache directory costs speed, never the command.
  }
}

// The one answer that needs no module: `panther --version` (main.ts answers it the same way, from the
// same package.json, for `node src/cli/main.ts` and the in-process tests).
if (process.argv[2] === '--version') {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  enableCache();
  const { main, processIo } = await import('./main.ts');
  main(process.argv.slice(2), processIo()).then(
    (code) => { process.exitCode = code; },
    (error) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; },
  );
}
