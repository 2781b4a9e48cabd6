import { ExitCode } from '../../core/errors.ts';
import { lintPlan, RULES, summarize } from '../../plan/lint/index.ts';
import type { Finding } from '../../plan/types.ts';
import { emit, flag, type Command } from '../command.ts';
import { resolvePlan } from '../plan-input.ts';
import { lintInfo } from './lint.meta.ts';

export const lint: Command = {
  ...lintInfo,
  async run(values, _positionals, io) {
    if (flag(values, 'rules')) {
      emit(io, { rules: RULES }, () => RULES.map((r) => `${r.id.padEnd(32)} ${r.severity.padEnd(8)} ${r.notes ?? ''}  ${r.title}`).join('\n'));
      return ExitCode.ok;
    }
    const { plan } = await resolvePlan(values);
    const findings = lintPlan(plan);
    const counts = summarize(findings);
    emit(io, { host: plan.host, profile: plan.profile, findings, counts }, () => describeFindings(findings, counts));
    const failing = counts.error > 0 || (flag(values, 'strict') && counts.warning > 0);
    return failing ? ExitCode.failed : ExitCode.ok;
  },
};

export function describeFindings(findings: Finding[], counts: Record<string, number>): string {
  const lines = findings.map((f) =>
    `${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.subject}]\n        ${f.message}\n        fix: ${f.fix}` +
    (f.acknowledged === undefined ? '' : `\n        acknowledged: ${f.acknowledged}`));
  lines.push(`${counts['error'] ?? 0} error(s), ${counts['warning'] ?? 0} warning(s), ${counts['info'] ?? 0} info, ${counts['note'] ?? 0} acknowledged`);
  return lines.join('\n');
}
