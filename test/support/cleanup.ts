// Releases everything a loop fixture made, keyed only by its temp directory: every mount below
// it or of one of its loop devices (deepest first, lazy as a fallback), active swap on its files,
// every loop device backed by an image in it, then the directory itself.
//
// Synchronous on purpose: the same code must run from finally blocks, from signal handlers and
// from the 'exit' event (node --test's own SIGINT handler calls process.exit, after which only
// synchronous work runs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseLosetupJson } from '../../src/btrfs/loop.ts';

const live = new Set<string>();
// Every directory ever tracked in this process, so after-hooks can check exactly our own resources.
const created = new Set<string>();
let handlersInstalled = false;

/** Mount entries from /proc/self/mounts; octal escapes (\040 for space) decoded. */
export function currentMounts(): Array<{ source: string; target: string; fstype: string }> {
  const decode = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').filter(Boolean).map((line) => {
    const [source = '', target = '', fstype = ''] = line.split(' ');
    return { source: decode(source), target: decode(target), fstype };
  });
}

/** Loop devices whose image lies in `dir` (deleted images included). */
export function loopsBackedBy(dir: string): string[] {
  const out = execFileSync('losetup', ['--json', '--list', '--output', 'NAME,BACK-FILE,RO'], { encoding: 'utf8' });
  return parseLosetupJson(out).filter((d) => d.backingFile.startsWith(`${dir}/`)).map((d) => d.device);
}

/** Mount targets at or below `dir`. */
export function mountsBelow(dir: string): string[] {
  return currentMounts().map((m) => m.target).filter((t) => t === dir || t.startsWith(`${dir}/`));
}

function quietly(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** Releases everything under `dir`. Never throws; returns what it could not release. */
export function releaseDir(dir: string): string[] {
  const problems: string[] = [];
  let loops: string[] = [];
  try { loops = loopsBackedBy(dir); } catch (error) { problems.push(`losetup --list: ${String(error)}`); }
  const ours = (source: string): boolean => loops.some((l) => source === l || source.startsWith(`${l}p`));

  try {
    const swaps = readFileSync('/proc/swaps', 'utf8').split('\n').slice(1).map((l) => l.split(/\s+/)[0] ?? '');
    for (const swap of swaps) if (swap.startsWith(`${dir}/`) || ours(swap)) quietly('swapoff', ['--', swap]);
  } catch { /* no /proc/swaps: nothing to switch off */ }

  const targets = currentMounts()
    .filter((m) => m.target === dir || m.target.startsWith(`${dir}/`) || ours(m.source))
    .map((m) => m.target)
    .sort((a, b) => b.length - a.length);
  for (const target of targets) {
    if (!quietly('umount', ['--', target]) && !quietly('umount', ['-l', '--', target])) problems.push(`umount ${target}`);
  }

  for (const loop of loops) {
    // Partitions registered with partx outlive losetup --detach on a loop device without --partscan
    // and would confuse the next user of the same number. Exits 1 when there are none.
    quietly('partx', ['--delete', '--', loop]);
    if (!quietly('losetup', ['--detach', loop])) problems.push(`losetup --detach ${loop}`);
  }

  try { rmSync(dir, { recursive: true, force: true }); } catch (error) { problems.push(`rm ${dir}: ${String(error)}`); }
  live.delete(dir);
  return problems;
}

function releaseAllLive(): void {
  for (const dir of [...live]) {
    const problems = releaseDir(dir);
    if (problems.length > 0) process.stderr.write(`loop fixture cleanup left: ${problems.join('; ')}\n`);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAllLive();
  process.removeListener(signal, onSignal);
  // Re-raise so the process ends the way it would have without us (or other handlers run).
  process.kill(process.pid, signal);
}

/** Registers `dir` for cleanup on SIGINT/SIGTERM/SIGHUP and on exit. */
export function trackDir(dir: string): void {
  live.add(dir);
  created.add(dir);
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', releaseAllLive);
}

/**
 * What this process's fixtures left behind: fixtures not disposed, mounts, loop devices and
 * directories of any fixture it ever created. Empty when all is clean.
 */
export function leftovers(): string[] {
  const left = [...live].map((d) => `fixture not disposed: ${d}`);
  for (const dir of created) {
    for (const target of mountsBelow(dir)) left.push(`still mounted: ${target}`);
    for (const loop of loopsBackedBy(dir)) left.push(`loop device still attached: ${loop}`);
    if (existsSync(dir)) left.push(`directory not removed: ${dir}`);
  }
  return left;
}
