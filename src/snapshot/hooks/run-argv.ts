// Starts a hook's program from an argument array (never a shell) and stops it when the phase's
// signal aborts. btrfs/exec.ts `run` cannot be reused here: it fixes the environment and knows
// only a timeout, while hooks need extra variables (PANTHER_PHASE) and an AbortSignal.
import { spawn } from 'node:child_process';
import { PantherError } from '../../core/errors.ts';

export interface ArgvResult {
  stdout: string;
  stderr: string;
}

export interface RunArgvOptions {
  signal: AbortSignal;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Named in errors instead of the full command line. */
  subject?: string;
}

/** Time a program gets to exit after SIGTERM before it is killed. */
const KILL_GRACE_MS = 2_000;
/** Keep only the end of long outputs: errors quote the last lines. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export function runArgv(argv: readonly string[], opts: RunArgvOptions): Promise<ArgvResult> {
  const [cmd, ...args] = argv;
  const subject = opts.subject ?? argv.join(' ');
  if (cmd === undefined || cmd === '') {
    return Promise.reject(new PantherError('hook-bad-command', 'hook command is empty', { subject, hint: 'give the program and its arguments as an array, e.g. ["systemctl", "stop", "x"]' }));
  }
  if (opts.signal.aborted) return Promise.reject(abortError(subject, opts.signal));

  return new Promise((resolve, reject) => {
    // Inherit PATH at call time, so a test can put a fake program first.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: { ...process.env, ...opts.env } });
    const out = collector();
    const err = collector();
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      opts.signal.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
    };

    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      reject(error.code === 'ENOENT'
        ? new PantherError('hook-tool-missing', `${cmd}: not found`, { subject, hint: `install ${cmd} or put it on PATH`, cause: error })
        : new PantherError('hook-command-failed', `${cmd}: could not start: ${error.message}`, { subject, cause: error }));
    });
    child.on('close', (code, signal) => {
      done();
      const stdout = out.text();
      const stderr = err.text();
      if (opts.signal.aborted) reject(abortError(subject, opts.signal));
      else if (code === 0) resolve({ stdout, stderr });
      else {
        const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with ${code}`;
        const said = lastLines(stderr) || lastLines(stdout);
        reject(new PantherError('hook-command-failed', `${subject} ${how}${said === '' ? '' : `: ${said}`}`, { subject, details: { exitCode: code } }));
      }
    });
  });
}

function abortError(subject: string, signal: AbortSignal): PantherError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
  return new PantherError(timedOut ? 'hook-timeout' : 'interrupted', `${subject} ${timedOut ? 'timed out' : 'was interrupted'} and was stopped`, { subject, cause: reason });
}

function collector(): { push: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push: (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      while (size > MAX_OUTPUT_BYTES && chunks.length > 1) size -= chunks.shift()!.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' / ').slice(-500);
}
