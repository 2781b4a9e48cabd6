import { existsSync } from 'node:fs';
import { ExitCode } from '../../core/errors.ts';
import { doctorPlan, readRecordedPlan, recordedPlanPath, RECORDED_PLAN, runDoctor } from '../../provision/index.ts';
import type { DoctorReport } from '../../provision/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { emit, str, type Command } from '../command.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check a live system against its plan, and its btrfs health',
  usage: 'panther doctor [--plan FILE] [--root DIR] [--fstab FILE] [--json]',
  help: `  --plan FILE    the host's plan; without it the plan provision recorded in
                 ROOT${RECORDED_PLAN} is used, and without either only the generic health checks run.
                 With both, sizes the recorded plan shrank (provision --fit-to-device) are taken
                 from it and listed as info
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
    const given = planFile === undefined ? null : await readPlan(planFile);
    const choice = doctorPlan(given, await readRecordedPlan(root), recordedPlanPath(root));
    const fstab = str(values, 'fstab') ?? (root === '/' && existsSync('/etc/fstab') ? '/etc/fstab' : null);
    const report = await runDoctor({ root, plan: choice.plan, fstab, now: new Date(), planSource: choice.source, notes: choice.notes });
    emit(io, report, () => describeDoctor(report));
    return report.counts.error > 0 ? ExitCode.failed : ExitCode.ok;
  },
};

export function describeDoctor(r: DoctorReport): string {
  const source = r.planSource === null ? '' : ` (plan: ${r.planSource === 'given' ? '--plan' : r.planSource === 'recorded' ? `recorded in ${RECORDED_PLAN}` : `--plan with the sizes recorded in ${RECORDED_PLAN}`})`;
  const lines = [`doctor ${r.host ?? '(no plan)'} at ${r.root}${source}: ${r.state.filesystems.length} btrfs filesystem(s), ${r.state.mounts.length} mount(s)`];
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.subject}]`, `        expected: ${f.expected}`, `        found:    ${f.found}`, `        fix:      ${f.fix}`);
  }
  lines.push(r.findings.length === 0 ? 'clean: everything matches' : `${r.counts.error} error(s), ${r.counts.warning} warning(s), ${r.counts.info} info`);
  return lines.join('\n');
}
