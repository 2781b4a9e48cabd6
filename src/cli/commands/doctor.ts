import { existsSync } from 'node:fs';
import { ExitCode } from '../../core/errors.ts';
import { doctorPlan, readRecordedPlan, recordedPlanPath, RECORDED_PLAN, runDoctor } from '../../provision/index.ts';
import type { DoctorReport } from '../../provision/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { stateDirFrom } from '../../core/defaults.ts';
import { countersFileFindings, metricsConfigFindings } from '../metrics-findings.ts';
import { emit, str, type Command } from '../command.ts';
import { doctorInfo } from './doctor.meta.ts';

export const doctor: Command = {
  ...doctorInfo,
  async run(values, _positionals, io) {
    const root = str(values, 'root') ?? '/';
    const planFile = str(values, 'plan');
    const given = planFile === undefined ? null : await readPlan(planFile);
    const choice = doctorPlan(given, await readRecordedPlan(root), recordedPlanPath(root));
    const fstab = str(values, 'fstab') ?? (root === '/' && existsSync('/etc/fstab') ? '/etc/fstab' : null);
    // The metrics of the system doctor runs on: its environment and its state directory (not a --root target's).
    const metrics = root === '/'
      ? [...metricsConfigFindings(process.env), ...(choice.plan === null ? [] : await countersFileFindings(stateDirFrom(undefined), choice.plan.host))]
      : [];
    const report = await runDoctor({ root, plan: choice.plan, fstab, now: new Date(), planSource: choice.source, notes: [...choice.notes, ...metrics] });
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
