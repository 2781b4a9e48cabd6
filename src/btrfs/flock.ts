// flock(2) on an open file, through util-linux flock(1): Node has no flock API. The child gets the
// caller's descriptor as its fd 3 and locks it; a flock lock belongs to the open file description,
// which the caller shares, so the lock stays held after the child exits and the kernel releases it
// when the caller closes its descriptor or dies. No native code, no stale locks.
import { commandFailed, missingTool } from './failure.ts';

const CMD = 'flock';
const ARGS = ['--exclusive', '--nonblock', '3'] as const;
/** flock(1) exits 1 when --nonblock finds the lock held (its default conflict exit code). */
const CONFLICT_EXIT = 1;
const TIMEOUT_MS = 30_000;

/**
 * Tries once to take an exclusive flock on `fd` without waiting: true when this open file
 * description now holds it (or already did), false when another one holds it.
 */
export async function tryExclusiveFlock(fd: number, subject: string): Promise<boolean> {
  // Loaded when a lock is taken, not at start-up (commands that take none, snapshot list, start faster).
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(CMD, [...ARGS], { stdio: ['ignore', 'ignore', 'pipe', fd], env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, shell: false });
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    // --nonblock returns at once; only a wedged exec would hit this.
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, TIMEOUT_MS);
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => settle(() => reject(error.code === 'ENOENT'
      ? missingTool(CMD, error)
      : commandFailed({ cmd: CMD, args: ARGS, subject, code: null, stdout: '', stderr: `${error.code ?? ''} ${error.message}` }, error))));
    child.on('close', (code, signal) => settle(() => {
      if (!timedOut && code === 0) return resolve(true);
      if (!timedOut && code === CONFLICT_EXIT) return resolve(false);
      const stderr = Buffer.concat(err).toString('utf8');
      reject(commandFailed({ cmd: CMD, args: ARGS, subject, code, signal, stdout: '', stderr, ...(timedOut ? { timedOutMs: TIMEOUT_MS } : {}) }));
    }));
  });
}
