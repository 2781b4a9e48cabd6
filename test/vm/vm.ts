// One spec host's VM session: its sparse disk images (kept across boots, so a second boot finds what
// the first wrote), and boots that each run one job. A job is a bash script run as root in the guest
// in a chroot of the host's root (read-only 9p under a tmpfs overlay), with this repository at the
// same path as on the host and its own directory at /run/vmout (shared: files it writes there come
// back). Its exit code comes back through that directory too. One VM at a time, killed by its own PID
// on every path; on failure the console log is kept and its tail printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VM_HOSTS, type VmHost } from './hosts.ts';
import { findKernel, VM_CACHE, vmlinux } from './kernel.ts';
import { initramfs } from './initramfs.ts';
import { QEMU, qemuArgs, type AttachedDisk } from './qemu.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
/** Where failed boots leave their console and job logs. */
export const KEPT_LOGS = join(tmpdir(), 'panther-vm-logs');

export interface BootOptions {
  /** bash source; runs with `set -euo pipefail`, cwd /run/vmout, $REPO and `panther` defined. */
  job: string;
  /** Extra files for the job's directory (name → content). */
  files?: Record<string, string>;
  /** Roles of disks to leave out of this boot. */
  absent?: readonly string[];
  /** Role → blkdebug config text: that disk fails as the config's inject-error rules say (this boot only). */
  blkdebug?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export interface BootResult {
  code: number;
  /** The job's stdout and stderr. */
  log: string;
  /** The job's directory on the host (valid until the next boot). */
  outDir: string;
  seconds: number;
}

export class VmError extends Error {}

// QEMU processes alive in this process, and sessions not yet disposed: if the test runner exits first
// (node --test's SIGINT handler calls process.exit), each QEMU is killed by its PID and the disk
// images are removed, synchronously, as only synchronous work runs in 'exit'.
const live = new Set<ChildProcess>();
const sessionDirs = new Set<string>();
let exitHook = false;
function releaseAll(): void {
  for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
  for (const dir of sessionDirs) { try { rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ } }
}
function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  process.removeListener(signal, onSignal);
  // Re-raise, so the process ends as it would have without us (or other handlers run).
  process.kill(process.pid, signal);
}
function onExitCleanup(): void {
  if (exitHook) return;
  exitHook = true;
  // A signal's default action skips 'exit': catch the usual ones too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', releaseAll);
}
function track(child: ChildProcess): void {
  live.add(child);
  onExitCleanup();
}

const PRELUDE = (repo: string): string => [
  'set -euo pipefail',
  `export REPO=${shellQuote(repo)}`,
  'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  // panther.js keeps Node's compile cache below $XDG_CACHE_HOME: the share the guest keeps.
  'export HOME=/root XDG_CACHE_HOME=/var/cache/pvm',
  'node() { "$REPO/node_modules/.bin/node" "$@"; }',
  'panther() { "$REPO/node_modules/.bin/node" "$REPO/src/cli/panther.js" "$@"; }',
  'cd /run/vmout',
  '',
].join('\n');

function shellQuote(s: string): string { return `'${s.replace(/'/g, `'\\''`)}'`; }

function tail(text: string, lines: number): string { return text.split('\n').slice(-lines).join('\n'); }

/** The directory the guest keeps across boots (Node's compile cache); private to root, like panther's own. */
async function guestCache(): Promise<string> {
  const dir = join(VM_CACHE, 'guest-cache');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export class VmSession {
  private boots = 0;
  readonly host: VmHost;
  readonly dir: string;
  readonly disks: AttachedDisk[];
  private readonly kernel: string;
  private readonly initrd: string;

  private constructor(host: VmHost, dir: string, disks: AttachedDisk[], kernel: string, initrd: string) {
    this.host = host; this.dir = dir; this.disks = disks; this.kernel = kernel; this.initrd = initrd;
  }

  /** Builds (or finds cached) the kernel and initramfs and makes the host's empty sparse disks. */
  static async create(hostName: string): Promise<VmSession> {
    const host = VM_HOSTS[hostName];
    if (host === undefined) throw new Error(`no VM host ${hostName}; known: ${Object.keys(VM_HOSTS).join(', ')}`);
    const kernel = findKernel();
    if (kernel === null) throw new VmError('no kernel for the VM: run scripts/setup-vm.sh (it unpacks Debian\'s linux-image into the cache)');
    const [k, i] = [await vmlinux(kernel), await initramfs(kernel)];
    const dir = await mkdtemp(join(tmpdir(), `panther-vm-${host.name}-`));
    sessionDirs.add(dir);
    onExitCleanup();
    const disks: AttachedDisk[] = [];
    for (const d of host.disks) {
      const image = join(dir, `${d.role}.img`);
      await writeFile(image, '');
      await truncate(image, d.sizeBytes);
      disks.push({ ...d, image });
    }
    return new VmSession(host, dir, disks, k, i);
  }

  /** One boot running `opts.job`; resolves with its exit code (throws VmError if it did not finish). */
  async boot(opts: BootOptions): Promise<BootResult> {
    this.boots += 1;
    const outDir = join(this.dir, `boot${this.boots}`);
    await mkdir(outDir);
    for (const [name, content] of Object.entries(opts.files ?? {})) await writeFile(join(outDir, name), content);
    await writeFile(join(outDir, 'job.sh'), PRELUDE(REPO) + opts.job);
    const consoleLog = join(this.dir, `console-boot${this.boots}.log`);
    const absent = new Set(opts.absent ?? []);
    const faults = new Map<string, string>();
    for (const [role, config] of Object.entries(opts.blkdebug ?? {})) {
      if (!this.disks.some((d) => d.role === role)) throw new Error(`blkdebug for ${role}: ${this.host.name} has no such disk`);
      const file = join(this.dir, `blkdebug-boot${this.boots}-${role}.cfg`);
      await writeFile(file, config);
      faults.set(role, file);
    }
    const args = qemuArgs({
      vmlinux: this.kernel, initramfs: this.initrd, consoleLog, outDir,
      disks: this.disks.map((d) => ({ ...d, absent: absent.has(d.role), ...(faults.has(d.role) ? { blkdebug: faults.get(d.role)! } : {}) })),
      cacheDir: await guestCache(),
    });
    const timeoutMs = opts.timeoutMs ?? 240_000;
    // One line per boot, so someone running a VM test by hand can `tail -f` the console.
    process.stderr.write(`${this.host.name} VM, boot ${this.boots}: console in ${consoleLog}\n`);
    const started = Date.now();
    const child = spawn(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    let timedOut = false;
    const exit = new Promise<number | null>((resolve) => {
      child.on('error', (e) => { stderr += `${e.message}\n`; resolve(null); });
      child.on('exit', (code) => resolve(code));
    });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    let qemuCode: number | null;
    try {
      qemuCode = await exit;
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
      live.delete(child);
    }
    const seconds = (Date.now() - started) / 1000;
    const log = existsSync(join(outDir, 'job.log')) ? await readFile(join(outDir, 'job.log'), 'utf8') : '';
    const rcFile = join(outDir, 'job.rc');
    if (timedOut || qemuCode !== 0 || !existsSync(rcFile)) {
      const why = timedOut ? `did not power off within ${timeoutMs / 1000} s`
        : qemuCode !== 0 ? `QEMU exited with ${qemuCode ?? 'an error'}: ${stderr.trim()}`
          : 'the job did not finish (no exit code came back)';
      const kept = await this.keepLogs(consoleLog, outDir);
      throw new VmError(`${this.host.name} VM, boot ${this.boots}: ${why} after ${seconds.toFixed(1)} s; console log kept in ${kept}\n` +
        `--- console (last 40 lines) ---\n${tail(await readFile(consoleLog, 'utf8').catch(() => ''), 40)}\n` +
        `--- job log (last 40 lines) ---\n${tail(log, 40)}`);
    }
    const code = Number((await readFile(rcFile, 'utf8')).trim());
    return { code, log, outDir, seconds };
  }

  /** Like boot, but a job that exits non-zero throws with its log and keeps the console log. */
  async run(opts: BootOptions): Promise<BootResult> {
    const r = await this.boot(opts);
    if (r.code !== 0) {
      const kept = await this.keepLogs(join(this.dir, `console-boot${this.boots}.log`), r.outDir);
      throw new VmError(`${this.host.name} VM, boot ${this.boots}: the job exited ${r.code} after ${r.seconds.toFixed(1)} s; logs kept in ${kept}\n` +
        `--- job log (last 60 lines) ---\n${tail(r.log, 60)}`);
    }
    return r;
  }

  private async keepLogs(consoleLog: string, outDir: string): Promise<string> {
    const kept = join(KEPT_LOGS, `${this.host.name}-${new Date().toISOString().replace(/[:.]/g, '-')}-boot${this.boots}`);
    await mkdir(kept, { recursive: true });
    if (existsSync(consoleLog)) await copyFile(consoleLog, join(kept, 'console.log'));
    if (existsSync(join(outDir, 'job.log'))) await copyFile(join(outDir, 'job.log'), join(kept, 'job.log'));
    if (existsSync(join(outDir, 'job.sh'))) await copyFile(join(outDir, 'job.sh'), join(kept, 'job.sh'));
    process.stderr.write(`VM logs kept in ${kept}\n`);
    return kept;
  }

  /** Removes the disk images and the boots' directories. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    sessionDirs.delete(this.dir);
  }
}
