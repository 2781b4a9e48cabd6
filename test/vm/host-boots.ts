// The two boots every spec host's VM test shares: boot 1 provisions from the host's report and
// checks with doctor, boot 2 mounts from the fstab boot 1 rendered and checks again. What each boot
// left in its directory comes back parsed, for the test's assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const JOB = (name: string): string => readFileSync(new URL(`./jobs/${name}.sh`, import.meta.url), 'utf8');

function flatten(list: Mount[] = []): Mount[] {
  return list.flatMap((m) => [m, ...flatten(m.children)]);
}

function collect(boot: BootResult): BootOutput {
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
  return { ...collect(boot), fstab: rendered.stdout, devices };
}

export async function remountBoot(vm: VmSession, fstab: string): Promise<BootOutput> {
  return collect(await vm.run({ job: JOB('remount'), files: { fstab } }));
}

export const errorsOf = (findings: Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');

/** The jobs' "step uptime" lines, as "step uptime, …" for a test's diagnostics. */
export function timings(log: string): string {
  return log.split('\n').filter((l) => /^(start|facter|plan|provision|mounted|doctor|end) \d/.test(l)).join(', ');
}
