// The two boots every spec host's VM test shares: boot 1 provisions from the host's report and
// checks with doctor, boot 2 mounts from the fstab boot 1 rendered and checks again. What each boot
// left in its directory comes back parsed, for the test's assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BootResult, VmSession } from './vm.ts';

export interface Finding { id: string; severity: string; subject: string; found?: unknown; fix?: string }
export interface Mount { target: string; source: string; fstype: string; options: string; children?: Mount[] }

export interface BootOutput {
  boot: BootResult;
  doctor: { findings: Finding[] };
  doctorExit: number;
  /** Every mount at or below the target root, flattened. */
  mounts: Mount[];
  fstab: string;
}

const JOB = (name: string): string => readFileSync(new URL(`./jobs/${name}.sh`, import.meta.url), 'utf8');

function flatten(list: Mount[] = []): Mount[] {
  return list.flatMap((m) => [m, ...flatten(m.children)]);
}

function collect(boot: BootResult): BootOutput {
  const file = (name: string): string => readFileSync(join(boot.outDir, name), 'utf8');
  return {
    boot,
    doctor: JSON.parse(file('doctor.json')) as { findings: Finding[] },
    doctorExit: Number(file('doctor.rc').trim()),
    mounts: flatten((JSON.parse(file('mounts.json')) as { filesystems: Mount[] }).filesystems),
    fstab: file('fstab'),
  };
}

/** The pool disks in pool order, as guest/facter.ts finds them (by serial). */
function poolDisks(vm: VmSession): string {
  return JSON.stringify(vm.disks.filter((d) => d.role !== 'backup').map((d) => ({ role: d.role, serial: d.serial })));
}

export async function provisionBoot(vm: VmSession): Promise<BootOutput> {
  return collect(await vm.run({
    job: `HOST=${vm.host.name}\n${JOB('provision')}`,
    files: { 'disks.json': poolDisks(vm) },
  }));
}

export async function remountBoot(vm: VmSession, fstab: string): Promise<BootOutput> {
  return collect(await vm.run({ job: JOB('remount'), files: { fstab } }));
}

export const errorsOf = (findings: Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');

/** The jobs' "step uptime" lines, as "step uptime, …" for a test's diagnostics. */
export function timings(log: string): string {
  return log.split('\n').filter((l) => /^(start|facter|plan|provision|mounted|doctor|end) \d/.test(l)).join(', ');
}
