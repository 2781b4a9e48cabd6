// The one place that starts btrfs-progs and util-linux. Always an argument array and never a
// shell, so no path can become a command. Failures come back as PantherError with the command,
// the subject, the tool's last words and a likely cause (see failure.ts).
import { commandFailed, missingTool } from './failure.ts';

export interface RunOptions {
  /** Written to the tool's stdin, then stdin is closed. Never shown in messages. */
  input?: string | Uint8Array;
  /** Kill the tool after this long; 0 = no limit. Default 5 minutes. */
  timeoutMs?: number;
  /** Exit codes that are not failures (e.g. `btrfs device stats -c` exits 64 on non-zero counters). */
  allowExit?: readonly number[];
  /** The path or device the run is about, named in errors. Default: the last argument. */
  subject?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

// Tools print their messages in the user's language otherwise; our parsers and diagnoses read English.
const TOOL_ENV = { ...process.env, LC_ALL: 'C', LANG: 'C' };

export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  // Loaded on the first run, not at start-up: a command that reads the plan and sidecars starts nothing.
  const { spawn } = await import('node:child_process');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const subject = opts.subject ?? args.at(-1) ?? cmd;
  const allowed = new Set([0, ...(opts.allowExit ?? [])]);

  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: TOOL_ENV, shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    let timedOut = false;
    const timer = timeoutMs > 0
      ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs)
      : undefined;

    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      fn();
    };

    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A tool may exit before reading its input; EPIPE then is not the interesting error.
    child.stdin.on('error', () => {});

    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(() => {
        if (error.code === 'ENOENT') reject(missingTool(cmd, error));
        else reject(commandFailed({ cmd, args, subject, code: null, stdout: '', stderr: `${error.code ?? ''} ${error.message}` }, error));
      });
    });

    child.on('close', (code, signal) => {
      settle(() => {
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (!timedOut && code !== null && allowed.has(code)) {
          resolve({ stdout, stderr, code });
          return;
        }
        reject(commandFailed({
          cmd, args, subject, code, signal, stdout, stderr,
          ...(timedOut ? { timedOutMs: timeoutMs } : {}),
        }));
      });
    });

    child.stdin.end(opts.input);
  });
}
