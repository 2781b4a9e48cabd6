// Evaluates rendered Nix with `nix-instantiate --eval --strict --json`: the check that a file is valid
// Nix and means what the renderer intended. Pure evaluation only: nothing is built or fetched.
//
// How it is invoked, and why:
// - `--readonly-mode`: evaluation must never write to a Nix store.
// - `NIX_REMOTE=local?root=<fresh temp dir>`: without it a non-root user's nix-instantiate (Debian's
//   nix-bin) tries the daemon socket and fails with "getting status of
//   /nix/var/nix/daemon-socket/socket: Permission denied"; a throw-away chroot store works for root
//   and non-root alike and never touches /nix.
// - Arguments go in an argv array (no shell); a file that is a function gets its arguments through
//   `--arg NAME EXPR` / `--argstr NAME VALUE` (auto-call), so no path is ever pasted into Nix code.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PantherError } from '../../core/errors.ts';
import { findOnPath } from '../../core/find-on-path.ts';

export const NIX_INSTANTIATE = 'nix-instantiate';

export interface NixEvalOptions {
  /** `--arg NAME EXPR`: NAME is passed the Nix expression EXPR when the file is a function. */
  args?: Readonly<Record<string, string>>;
  /** `--argstr NAME VALUE`: NAME is passed the string VALUE. */
  argstrs?: Readonly<Record<string, string>>;
  /** Default 60 s. */
  timeoutMs?: number;
}

/** The nix-instantiate on PATH, or null. */
export function findNixInstantiate(): string | null {
  return findOnPath(NIX_INSTANTIATE);
}

/** The argv after `nix-instantiate` for evaluating `file` (exported so tests and docs show it). */
export function nixEvalArgs(file: string, opts: NixEvalOptions = {}): string[] {
  const args = ['--readonly-mode', '--eval', '--strict', '--json'];
  for (const [name, expr] of Object.entries(opts.args ?? {})) args.push('--arg', name, expr);
  for (const [name, value] of Object.entries(opts.argstrs ?? {})) args.push('--argstr', name, value);
  // `--` so a file name can never be read as an option.
  args.push('--', file);
  return args;
}

function lastLines(text: string, count = 8): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Evaluates a Nix file strictly and returns its value as parsed JSON. */
export async function nixEvalJson(file: string, opts: NixEvalOptions = {}): Promise<unknown> {
  const storeRoot = await mkdtemp(join(tmpdir(), 'panther-nix-store-'));
  try {
    const env = { ...process.env, NIX_REMOTE: `local?root=${storeRoot}`, LC_ALL: 'C' };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(NIX_INSTANTIATE, nixEvalArgs(file, opts), {
        env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000, shell: false,
      }, (error, out, err) => {
        if (error === null) { resolve(out); return; }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new PantherError('missing-tool', `${NIX_INSTANTIATE}: command not found`, {
            subject: NIX_INSTANTIATE, cause: error,
            hint: 'install Nix (Debian: apt-get install -y nix-bin) to evaluate rendered files',
          }));
          return;
        }
        reject(new PantherError('nix-eval-failed', `${file}: nix-instantiate could not evaluate it:\n${lastLines(err)}`, {
          subject: file, cause: error, details: { stderr: err },
        }));
      });
    });
    return JSON.parse(stdout) as unknown;
  } finally {
    await rm(storeRoot, { recursive: true, force: true });
  }
}
