// Acknowledgements from the inventory (overrides.acknowledge): "<id>" or "<id>:<subject>" → the user's
// reason. A matching warning or info becomes a note that carries the reason. Errors stay errors: an
// error means the plan cannot work, and saying why does not make it work (`render --force` exists).
import type { Finding, StoragePlan } from '../types.ts';
import { finding, shown, type RuleInfo } from './rule.ts';

export const ACKNOWLEDGE_RULES: RuleInfo[] = [
  {
    id: 'acknowledgement-unused', title: 'acknowledgement that matches nothing it can acknowledge', severity: 'info', notes: null,
    description: 'An overrides.acknowledge key matches no finding (misspelt, or the problem is gone), or only errors, which cannot be acknowledged.',
  },
];

export function applyAcknowledgements(plan: StoragePlan, findings: Finding[]): Finding[] {
  const acknowledged = plan.acknowledged ?? {};
  const used = new Set<string>();
  const matchedErrors = new Set<string>();
  const result = findings.map((f) => {
    const key = [`${f.id}:${f.subject}`, f.id].find((k) => Object.hasOwn(acknowledged, k));
    if (key === undefined) return f;
    if (f.severity === 'error') { matchedErrors.add(key); return f; }
    used.add(key);
    return { ...f, severity: 'note' as const, acknowledged: acknowledged[key]! };
  });
  for (const key of Object.keys(acknowledged)) {
    if (used.has(key)) continue;
    const onlyErrors = matchedErrors.has(key);
    result.push(finding('acknowledgement-unused', 'info', `acknowledge ${shown(key)}`,
      onlyErrors
        ? `the acknowledgement ${shown(key)} matches only errors, which cannot be acknowledged: the plan cannot work as it is.`
        : `the acknowledgement ${shown(key)} matches no finding: the key is misspelt, or the problem it accepted is gone.`,
      onlyErrors ? 'fix the error (see its fix); render --force exists for deliberate exceptions' : `remove ${shown(key)} from overrides.acknowledge, or correct it to "<id>" or "<id>:<subject>" as printed by panther lint`));
  }
  return result;
}
