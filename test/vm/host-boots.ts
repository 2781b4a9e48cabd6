// The two boots every spec host's VM test shares: boot 1 provisions from the host's report and
// checks with doctor, boot 2 mounts from the fstab boot 1 rendered and checks again. What each boot
// left in its directory comes back parsed, for the test's assertions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoragePlan } from '../../src/plan/types.ts';
import { parseFacterReport } from '../../src/facter/parse.ts';
import { detectProfile } from '../../src/facter/detect.ts';
import { loadBuiltinProfiles } from '../../src/plan/builtin-profiles.ts';
import { runCli } from '../support/cli.ts';
import type { BootResult, VmSession } from './vm.ts';

export interface Finding { id: string; severity: string; subject: string; found?: unknown; fix?: string }
export interface Mount { target: string; source: string; fstype: string; options: string; children?: Mount[] }

export interface BootOutput {
  boot: BootResult;
  doctor: { findings: Finding[]; planSource: string | null };
  doctorExit: number;
  /** Every mount at or below the target root, flattened. */
  mounts: Mount[];
}

/** A job script in jobs/ (lib.sh: helpers for the jobs after it). */
export const JOB = (name: string): string => readFileSync(new URL(`./jobs/${name}.sh`, import.meta.url), 'utf8');

function flatten(list: Mount[] = []): Mount[] {
  return list.flatMap((m) => [m, ...flatten(m.children)]);
}

export function collect(boot: BootResult): BootOutput {
  const file = (name: string): string => readFileSync(join(boot.outDir, name), 'utf8');
  return {
    boot,
    doctor: JSON.parse(file('doctor.json')) as BootOutput['doctor'],
    doctorExit: Number(file('doctor.rc').trim()),
    mounts: flatten((JSON.parse(file('mounts.json')) as { filesystems: Mount[] }).filesystems),
  };
}

/** The pool disks in pool order, as guest/facter.ts finds them (by serial). */
function poolDisks(vm: VmSession): string {
  return JSON.stringify(vm.disks.filter((d) => d.role !== 'backup').map((d) => ({ role: d.role, serial: d.serial })));
}

export interface ProvisionOutput extends BootOutput {
  /** `panther render fstab` of the plan provision recorded on the disks. */
  fstab: string;
  /** Pool → the guest device found for it by serial (what provision got as --device). */
  devices: Record<string, string>;
  /** The plan provision recorded on the disks (fitted to them). */
  plan: StoragePlan;
  /** What detection makes of the report the guest built from its own disks, without the inventory. */
  detected: { profile: string | null; confidence: string | null; reason?: string | null };
}

/** The profile examples/inventory.json pins for a spec host. */
function pinnedProfile(host: string): string {
  const inventory = JSON.parse(readFileSync(new URL('../../examples/inventory.json', import.meta.url), 'utf8')) as { hosts: Record<string, { profile: string }> };
  return inventory.hosts[host]!.profile;
}

export async function provisionBoot(vm: VmSession): Promise<ProvisionOutput> {
  const boot = await vm.run({
    job: `HOST=${vm.host.name}\n${JOB('provision')}`,
    files: { 'disks.json': poolDisks(vm) },
  });
  const rendered = await runCli('render', 'fstab', '--plan', join(boot.outDir, 'recorded-plan.json'));
  if (rendered.code !== 0) throw new Error(`panther render fstab of the recorded plan: exit ${rendered.code}: ${rendered.stderr}`);
  const devices = Object.fromEntries(readFileSync(join(boot.outDir, 'devices.txt'), 'utf8').split('\n').filter(Boolean)
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const plan = JSON.parse(readFileSync(join(boot.outDir, 'recorded-plan.json'), 'utf8')) as StoragePlan;
  // Provision ran pinned by the inventory (it maps pools to disks); the report of the VM's own disks
  // must still give the same profile on its own, as `panther plan --facter` would detect it.
  const report = parseFacterReport(JSON.parse(readFileSync(join(boot.outDir, 'facter.json'), 'utf8')), 'facter.json');
  const detection = detectProfile(report, loadBuiltinProfiles());
  const detected = { profile: detection.profile, confidence: detection.confidence, ...(detection.profile === null ? { reason: detection.reason } : {}) };
  assert.equal(detected.profile, pinnedProfile(vm.host.name), `detection on the VM's own report: ${JSON.stringify(detected)}`);
  return { ...collect(boot), fstab: rendered.stdout, devices, plan, detected };
}

export interface RemountOutput extends BootOutput {
  /** /proc/swaps as `swapon --show` lists it: path and type per active swap area. */
  swaps: Array<{ name: string; type: string }>;
  /** Each of the plan's no-CoW subvolumes with a mount point: is it a mountpoint, lsattr's flags. */
  nocow: Array<{ mountPoint: string; mounted: boolean; attrs: string }>;
}

const subvolumes = (plan: StoragePlan) => plan.pools.flatMap((p) => p.subvolumes);

/** Boot 2: the fstab boot 1 rendered, then doctor; `extra` (bash, files) runs after, in the same boot. */
export async function remountBoot(vm: VmSession, first: ProvisionOutput, extra: { job?: string; files?: Record<string, string> } = {}): Promise<RemountOutput> {
  const nocow = subvolumes(first.plan).filter((s) => !s.cow && s.mountPoint !== null).map((s) => s.mountPoint).join('\n');
  const boot = await vm.run({
    job: `${JOB('remount')}\n${extra.job ?? ''}`,
    files: { fstab: first.fstab, 'nocow.txt': `${nocow}\n`, ...extra.files },
  });
  const file = (name: string): string => readFileSync(join(boot.outDir, name), 'utf8');
  return {
    ...collect(boot),
    swaps: file('swaps.txt').split('\n').slice(1).filter(Boolean).map((l) => {
      const [name = '', type = ''] = l.trim().split(/\s+/);
      return { name, type };
    }),
    nocow: file('nocow-check.txt').split('\n').filter(Boolean).map((l) => {
      const [mountPoint = '', mounted = '', attrs = ''] = l.split(' ');
      return { mountPoint, mounted: mounted === 'yes', attrs };
    }),
  };
}

/**
 * What every host's boot 2 must show: every fstab line mounted, the plan's no-CoW subvolumes
 * mountpoints with lsattr's C (and doctor agreeing), its swapfiles active, doctor clean on the recorded plan.
 */
export function assertRemounted(first: ProvisionOutput, second: RemountOutput): { nocow: string[]; swapfiles: string[] } {
  // Swap lines mount nothing ("none"): the swapfiles are checked below, in /proc/swaps.
  const wanted = first.fstab.split('\n').filter((l) => l !== '' && !l.startsWith('#') && l.split(/\s+/)[2] !== 'swap').map((l) => l.split(/\s+/)[1]!);
  const mounted = new Set(second.mounts.map((m) => m.target.replace(/^\/mnt\/target/, '') || '/'));
  assert.deepEqual(wanted.filter((w) => !mounted.has(w)), [], 'every fstab line is mounted');
  const nocowPlanned = subvolumes(first.plan).filter((s) => !s.cow && s.mountPoint !== null).map((s) => s.mountPoint!);
  assert.deepEqual(second.nocow.map((n) => n.mountPoint), nocowPlanned, 'each no-CoW subvolume was looked at');
  for (const n of second.nocow) {
    assert.ok(n.mounted, `${n.mountPoint} is a mountpoint`);
    assert.match(n.attrs, /C/, `${n.mountPoint}: lsattr shows no-CoW (C): ${n.attrs}`);
  }
  assert.deepEqual(second.doctor.findings.filter((f) => f.id.startsWith('nocow') || f.id.startsWith('swap')), [], 'doctor agrees on no-CoW and swap');
  const swapfiles = subvolumes(first.plan).flatMap((s) => (s.swapfile === null || s.mountPoint === null ? []
    : [`/mnt/target${s.mountPoint}/${s.swapfile.path}`.replace('//', '/')]));
  for (const path of swapfiles) {
    assert.deepEqual(second.swaps.filter((s) => s.name === path).map((s) => s.type), ['file'], `${path} is active swap: ${JSON.stringify(second.swaps)}`);
  }
  assert.equal(second.doctor.planSource, 'recorded', 'doctor found the plan provision recorded on the disk');
  assert.deepEqual(errorsOf(second.doctor.findings), [], second.boot.log);
  assert.equal(second.doctorExit, 0);
  return { nocow: nocowPlanned, swapfiles };
}

export const errorsOf = (findings: Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');

/** The jobs' "step uptime" lines, as "step uptime, …" for a test's diagnostics. */
export function timings(log: string): string {
  return log.split('\n').filter((l) => /^(start|facter|plan|provision|mounted|doctor|end) \d/.test(l)).join(', ');
}
