// Long-running tools whose output or input is a stream (btrfs send / receive): the data never sits
// in memory whole. `done` settles when the process exits; a non-zero exit becomes the same
// PantherError as `run` gives.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { commandFailed, missingTool } from './failure.ts';

export interface StreamProcess {
  stdout: Readable;
  stdin: Writable;
  /** Resolves on exit 0; rejects with what the tool said otherwise. */
  done: Promise<void>;
  kill(): void;
  pid: number | undefined;
}

const TOOL_ENV = { ...process.env, LC_ALL: 'C', LANG: 'C' };
const STDERR_LIMIT = 64 * 1024;

export function spawnStream(cmd: string, args: readonly string[], subject: string): StreamProcess {
  const child: ChildProcess = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: TOOL_ENV, shell: false });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Keep the tail only: a misbehaving tool must not grow memory without bound.
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT);
  });
  child.stdin!.on('error', () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? missingTool(cmd, error) : commandFailed({ cmd, args, subject, code: null, stdout: '', stderr: error.message }, error));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(commandFailed({ cmd, args, subject, code, stdout: '', stderr, ...(signal === null ? {} : { signal }) }));
    });
  });
  // Attach a reader at once: a short stream whose process exits before the consumer starts reading
  // must not be lost (seen: a small `btrfs send` read 100 ms late came back empty). The PassThrough
  // keeps backpressure, so memory stays bounded by its buffer.
  const stdout = new PassThrough({ highWaterMark: 1024 * 1024 });
  child.stdout!.pipe(stdout);
  return { stdout, stdin: child.stdin!, done, kill: () => { child.kill('SIGKILL'); }, pid: child.pid };
}
