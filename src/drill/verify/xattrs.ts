// Every xattr of a tree from one getfattr process (Node has no xattr API; one process per file would
// cost a fork per file). `-P` walks without following symlinks and `-h` reads a symlink's own
// xattrs, never its target's, so a symlink planted in the tree cannot make this read outside it.
// `-m -` takes every namespace: user., trusted., security. (capabilities, SELinux labels) and
// system.posix_acl_*. It runs with the tree as working directory on ".", so paths come out relative.
import { spawn } from 'node:child_process';
import { ExitCode, PantherError } from '../../core/errors.ts';
import { GetfattrParser, type XattrRecord } from './getfattr-parse.ts';

export const GETFATTR_ARGS = ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--', '.'] as const;
const STDERR_LIMIT = 16 * 1024;

/** Yields one record per path that has xattrs, as getfattr walks `root`. Kills getfattr when left early. */
export async function* readTreeXattrs(root: string, signal?: AbortSignal): AsyncGenerator<XattrRecord> {
  const child = spawn('getfattr', [...GETFATTR_ARGS], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, shell: false });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT); });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  const onAbort = (): void => { child.kill('SIGKILL'); };
  signal?.addEventListener('abort', onAbort, { once: true });
  const parser = new GetfattrParser();
  let finished = false;
  try {
    for await (const chunk of child.stdout) {
      if (signal?.aborted === true) break;
      yield* parser.push(chunk as Buffer);
    }
    if (signal?.aborted === true) throw interrupted(root, signal);
    const { code, error } = await exited;
    if (error !== undefined) throw spawnFailed(root, error);
    if (code !== 0) {
      throw new PantherError('drill-xattr-read-failed', `getfattr could not read the xattrs of ${root} (exit ${code}): ${stderr.trim().split('\n').slice(-3).join('; ')}`, {
        subject: root,
        hint: 'run as root on a mounted tree; the message above names the file getfattr could not read',
      });
    }
    yield* parser.end();
    finished = true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) child.kill('SIGKILL');
  }
}

function spawnFailed(root: string, error: NodeJS.ErrnoException): PantherError {
  if (error.code === 'ENOENT') {
    return new PantherError('missing-tool', 'getfattr not found: it reads the xattrs to verify', {
      subject: root,
      hint: 'install the attr package (apt-get install attr; on NixOS it is in pkgs.attr)',
      cause: error,
    });
  }
  return new PantherError('drill-xattr-read-failed', `getfattr could not be started on ${root}: ${error.message}`, { subject: root, cause: error });
}

export function interrupted(subject: string, signal: AbortSignal): PantherError {
  return new PantherError('interrupted', `verifying ${subject} was interrupted`, { subject, exitCode: ExitCode.interrupted, cause: signal.reason });
}
