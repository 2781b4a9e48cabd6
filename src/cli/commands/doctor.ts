import { existsSync } from 'node:fs';
import { ExitCode } from '../../core/errors.ts';
import { runDoctor } from '../../provision/index.ts';
import type { DoctorReport } from '../../provision/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { emit, str, type Command } from '../command.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check a live system against its plan, and its btrfs health',
  usage: 'panther doctor [--plan FILE] [--root DIR] [--fstab FILE] [--json]',
  help: `  --plan FILE    the host's plan; without it only the generic health checks run
  --root DIR     where the host's filesystems are mounted (default /)
  --fstab FILE   mount table whose requested options are compared with those in effect
                 (default /etc/fstab when --root is /)
  --json         { findings: [{ id, severity, subject, expected, found, fix }], counts, state }

Checks: every planned subvolume exists and is mounted where planned; no-CoW set (lsattr) where
planned and absent where not; compression property; filesystem-wide options in effect and options
the kernel ignored; swapfile valid; used space above 85 %; unallocated space low; device error
counters; last scrub older than 35 days; PostgreSQL data checksums off on no-CoW data.
Exit 0 when no finding is an error, 1 otherwise.`,
  options: { plan: { type: 'string' }, root: { type: 'string' }, fstab: { type: 'string' } },
  async run(values, _positionals, io) {
    const root = str(values, 'root') ?? '/';
    const planFile = str(values, 'plan');
    const plan = planFile === undefined ? null : await readPlan(planFile);
    const fstab = str(values, 'fstab') ?? (root === '/' && existsSync('/etc/fstab') ? '/etc/fstab' : null);
    const report = await runDoctor({ root, plan, fstab, now: new Date() });
    emit(io, report, () => describeDoctor(report));
    return report.counts.error > 0 ? ExitCode.failed : ExitCode.ok;
  },
};

export function describeDoctor(r: DoctorReport): string {
  const lines = [`doctor ${r.host ?? '(no plan)'} at ${r.root}: ${r.state.filesystems.length} btrfs filesystem(s), ${r.state.mounts.length} mount(s)`];
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.subject}]`, `        expected: ${f.expected}`, `        found:    ${f.found}`, `        fix:      ${f.fix}`);
  }
  lines.push(r.findings.length === 0 ? 'clean: everything matches' : `${r.counts.error} error(s), ${r.counts.warning} warning(s), ${r.counts.info} info`);
  return lines.join('\n');
}
