// Wall time, CPU (user + sys) and peak RSS of a command or a pipeline of commands. Each process
// runs under GNU time (`/usr/bin/time -f '%e %U %S %M' -o FILE`), which counts the process and every
// descendant it waited for (panther's node counts its btrfs send). A pipeline is its processes
// joined by kernel pipes, as a shell joins them: CPU is summed, peak RSS is the largest process.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Usage {
  wallS: number;
  userS: number;
  sysS: number;
  /** user + sys */
  cpuS: number;
  peakRssMiB: number;
  /** Each process of the pipeline (one for a plain command). */
  processes?: Array<{ cmd: string; cpuS: number; peakRssMiB: number }>;
}

export interface Step {
  cmd: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface PipelineOptions {
  /** A file the first process reads as stdin (default: nothing). */
  stdinFile?: string;
  /** A file the last process's stdout goes to (default: discarded). */
  stdoutFile?: string;
  /** Where GNU time writes its lines. */
  scratch: string;
}

const STDERR_TAIL = 4000;
let serial = 0;

/** Process groups of the measured commands still running, for killRunning(). */
const live = new Set<number>();

/** SIGKILLs every measured command still running (from a signal handler; synchronous). */
export function killRunning(): void {
  for (const pgid of live) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }
  live.clear();
}

export class StepFailed extends Error {}

interface Running {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
  timeFile: string;
  step: Step;
}

function start(step: Step, stdin: 'ignore' | number | Readable, stdout: 'pipe' | number, scratch: string): Running {
  const timeFile = join(scratch, `time-${process.pid}-${serial++}.txt`);
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, step.cmd, ...step.args], {
    stdio: [stdin, stdout, 'pipe'],
    // Own process group, so killRunning() reaches GNU time's child too.
    detached: true,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...step.env },
    ...(step.cwd === undefined ? {} : { cwd: step.cwd }),
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL); });
  const pgid = child.pid;
  if (pgid !== undefined) live.add(pgid);
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => { if (pgid !== undefined) live.delete(pgid); resolve(code); });
  });
  return { child, exit, stderr: () => stderr, timeFile, step };
}

/** Runs `steps` as one pipeline (one step: a plain command) and measures it. Throws if any step fails. */
export async function measure(steps: readonly Step[], opts: PipelineOptions): Promise<Usage> {
  const inFd = opts.stdinFile === undefined ? undefined : openSync(opts.stdinFile, 'r');
  const outFd = openSync(opts.stdoutFile ?? '/dev/null', 'w');
  const running: Running[] = [];
  const t0 = performance.now();
  try {
    for (const [i, step] of steps.entries()) {
      const prev = running.at(-1);
      const stdin = prev === undefined ? (inFd ?? 'ignore') : prev.child.stdout!;
      running.push(start(step, stdin, i === steps.length - 1 ? outFd : 'pipe', opts.scratch));
      // The pipe now belongs to the two children; the parent must not read from it.
      prev?.child.stdout!.destroy();
    }
  } finally {
    if (inFd !== undefined) closeSync(inFd);
    closeSync(outFd);
  }
  const codes = await Promise.all(running.map((r) => r.exit.catch((e: unknown) => { throw new StepFailed(`${r.step.cmd}: ${String(e)}`); })));
  const wallS = (performance.now() - t0) / 1000;
  const failed = running.filter((_, i) => codes[i] !== 0);
  if (failed.length > 0) {
    for (const r of running) await rm(r.timeFile, { force: true });
    throw new StepFailed(failed.map((r) => `${r.step.cmd} ${r.step.args.join(' ')} failed (exit ${codes[running.indexOf(r)]}): ${r.stderr().trim()}`).join('\n'));
  }
  const usage: Usage = { wallS, userS: 0, sysS: 0, cpuS: 0, peakRssMiB: 0, processes: [] };
  for (const r of running) {
    const line = (await readFile(r.timeFile, 'utf8')).trim().split('\n').at(-1) ?? '';
    const [, user, sys, rssKiB] = line.split(' ').map(Number);
    if (user === undefined || sys === undefined || rssKiB === undefined || [user, sys, rssKiB].some(Number.isNaN)) {
      throw new StepFailed(`cannot read GNU time's line "${line}" for ${r.step.cmd}`);
    }
    usage.userS += user;
    usage.sysS += sys;
    usage.peakRssMiB = Math.max(usage.peakRssMiB, rssKiB / 1024);
    usage.processes!.push({ cmd: r.step.cmd, cpuS: user + sys, peakRssMiB: rssKiB / 1024 });
    await rm(r.timeFile, { force: true });
  }
  usage.cpuS = usage.userS + usage.sysS;
  return usage;
}

/**
 * measure(), then `sync -f dir` inside the wall time (restores: the restored tree counts once it is
 * on disk). Use only on the loop btrfs: on a shared filesystem sync -f waits for everyone's writes.
 */
export async function measureDurable(steps: readonly Step[], opts: PipelineOptions, dir: string): Promise<Usage> {
  const usage = await measure(steps, opts);
  const synced = await measure([{ cmd: 'sync', args: ['-f', dir] }], { scratch: opts.scratch });
  return { ...usage, wallS: usage.wallS + synced.wallS };
}

/**
 * measure(), then fsync `file` and its directory inside the wall time: a redirect to a file is not
 * durable, while panther, restic and borg fsync what they write.
 */
export async function measureFsynced(steps: readonly Step[], opts: PipelineOptions, file: string): Promise<Usage> {
  const usage = await measure(steps, opts);
  const t0 = performance.now();
  for (const path of [file, dirname(file)]) {
    const handle = await open(path, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  }
  return { ...usage, wallS: usage.wallS + (performance.now() - t0) / 1000 };
}
