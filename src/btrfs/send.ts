// btrfs send / receive as streams, and `receive --dump` for cheap diffs between snapshots.
import { getPriority, setPriority } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { safePath } from './args.ts';
import { parseReceiveDump, type DumpEvent } from './send-dump.ts';
import { spawnStream, type StreamProcess } from './stream.ts';

export interface SendOptions {
  /** Incremental against this read-only snapshot (must share history with the sent one). */
  parent?: string;
  /** Metadata only: what changed, without file contents (for diffs). */
  noData?: boolean;
  /** Send protocol 2 with compressed extents passed through as they are on disk. */
  compressedData?: boolean;
  /** Send protocol 2 (holes as fallocate punches, larger writes) without passing compressed extents. */
  protocol2?: boolean;
}

export function sendArgs(snapshot: string, opts: SendOptions = {}): string[] {
  safePath(snapshot, 'snapshot');
  const args = ['send', '-q'];
  if (opts.parent !== undefined) args.push('-p', safePath(opts.parent, 'parent snapshot'));
  if (opts.noData) args.push('--no-data');
  if (opts.compressedData) args.push('--proto', '2', '--compressed-data');
  else if (opts.protocol2) args.push('--proto', '2');
  args.push('--', snapshot);
  return args;
}

/** Starts `btrfs send`; read the stream from `stdout`, then await `done`. */
export function sendStream(snapshot: string, opts: SendOptions = {}): StreamProcess {
  return spawnStream('btrfs', sendArgs(snapshot, opts), snapshot);
}

/**
 * What `btrfs receive` reads: a stream, or a function that writes the stream to receive's stdin
 * itself (a restore frees each chunk once written) and resolves when all is written; stdin is ended
 * after it, or destroyed if it fails, so receive never waits for more.
 */
export type ReceiveInput = Readable | ((stdin: Writable) => Promise<void>);

export interface ReceiveOptions {
  /**
   * Run receive this many nice levels ahead of this process (a restore someone is waiting for).
   * Receive is a restore's bottleneck, one thread of kernel work; on a small machine the restore's
   * own threads (decrypting, decompressing, hashing) would otherwise take turns on its core
   * (docs/BENCHMARK.md, round 7). Best effort: raising a priority needs CAP_SYS_NICE, which a
   * receive's root has; refused, receive runs at our level.
   */
  favour?: number;
}

/** Feeds a send stream to `btrfs receive` into `directory`; resolves when the subvolume is complete. */
export async function receiveStream(directory: string, input: ReceiveInput, opts: ReceiveOptions = {}): Promise<void> {
  safePath(directory, 'receive directory');
  const receiver = spawnStream('btrfs', ['receive', '-q', '-e', '--', directory], directory);
  // Right after the spawn, before the event loop can reap the child: the pid is still receive's.
  if (opts.favour !== undefined) favourProcess(receiver.pid, opts.favour);
  const piped = typeof input === 'function' ? feed(input, receiver.stdin) : pipeline(input, receiver.stdin);
  await settleAll([piped, receiver.done], [receiver], false, true);
}

/**
 * Sets `pid`'s nice value `levels` below this process's own (at most -20). False, and nothing
 * changed, when there is no such process or the kernel refuses (no CAP_SYS_NICE).
 */
export function favourProcess(pid: number | undefined, levels: number): boolean {
  if (pid === undefined || !Number.isInteger(levels) || levels <= 0) return false;
  try {
    setPriority(pid, Math.max(-20, getPriority() - levels));
    return true;
  } catch {
    return false;
  }
}

async function feed(write: (stdin: Writable) => Promise<void>, stdin: Writable): Promise<void> {
  try {
    await write(stdin);
  } catch (error) {
    stdin.destroy();
    throw error;
  }
  await finished(stdin.end());
}

/** What `btrfs send --no-data [-p parent] snapshot | btrfs receive --dump` says, parsed. */
export async function sendDump(snapshot: string, parent?: string): Promise<DumpEvent[]> {
  const sender = sendStream(snapshot, { ...(parent === undefined ? {} : { parent }), noData: true });
  const dumper = spawnStream('btrfs', ['receive', '--dump'], snapshot);
  const chunks: Buffer[] = [];
  dumper.stdout.on('data', (c: Buffer) => chunks.push(c));
  // Both tools exiting 0 means the dump read a complete stream (it ends with an END command); a
  // "premature close" on the pipe between them is then only the order in which the pipes shut.
  await settleAll([pipeline(sender.stdout, dumper.stdin), sender.done, dumper.done], [sender, dumper], true);
  return parseReceiveDump(Buffer.concat(chunks).toString('utf8'));
}

/** Errors of the pipe itself (one end closed early), as opposed to an error its source raised. */
const PIPE_CLOSED = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

/**
 * Waits for a pipe and its processes. When something fails, the tools' own errors (what btrfs
 * said) explain more than the pipe's "premature close", so they win; the processes are killed.
 * With `sourceWins`, an error the source stream raised (a restore that found a damaged pack) wins
 * instead: the tool then only saw its input end early ("empty stream"), which hides the cause.
 */
async function settleAll(pipe: [Promise<unknown>, ...Array<Promise<void>>], processes: StreamProcess[], exitsSuffice = false, sourceWins = false): Promise<void> {
  const [piped, ...exits] = await Promise.allSettled(pipe);
  const failedExit = exits.find((r) => r.status === 'rejected');
  if (failedExit === undefined && (piped!.status === 'fulfilled' || exitsSuffice)) return;
  for (const p of processes) p.kill();
  if (sourceWins && piped!.status === 'rejected' && !PIPE_CLOSED.has((piped.reason as NodeJS.ErrnoException)?.code ?? '')) throw piped.reason;
  throw failedExit !== undefined ? (failedExit as PromiseRejectedResult).reason : (piped as PromiseRejectedResult).reason;
}
