import { ExitCode } from '../../core/errors.ts';
import { lintPlan, RULES, summarize } from '../../plan/lint/index.ts';
import type { Finding } from '../../plan/types.ts';
import { emit, flag, type Command } from '../command.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS, resolvePlan } from '../plan-input.ts';

export const lint: Command = {
  name: 'lint',
  summary: 'check a plan against what btrfs, NixOS and the objectives allow',
  usage: 'panther lint (--plan FILE | plan input) [--strict] [--rules] [--json]',
  help: `${PLAN_INPUT_HELP}
  --strict              warnings fail too (exit 1)
  --rules               list every rule with its id, severity and NOTES reference
  --json                { findings: [{ id, severity, subject, message, fix, acknowledged? }], counts }

Acknowledge a finding in the inventory (overrides.acknowledge: { "<id>" or "<id>:<subject>": "why" })
and it becomes an acknowledged note. Exit 1 when any finding is an error (or a warning with --strict).`,
  options: { ...PLAN_INPUT_OPTIONS, strict: { type: 'boolean' }, rules: { type: 'boolean' } },
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
