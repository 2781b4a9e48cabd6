// docs/ALERTS.md cannot go stale silently: every rule the model makes has its row and its runbook
// section, and the page lists no rule that no longer exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fleetRules } from '../src/alerting/rules.ts';
import { fleetPlans } from './support/alerting-fleet.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'ALERTS.md'), 'utf8');

test('every rule is in docs/ALERTS.md (table row with its metric and severity, runbook section), and only those', async () => {
  const rules = fleetRules(await fleetPlans());
  const ids = [...new Set(rules.map((r) => r.id))];
  const problems: string[] = [];
  for (const id of ids) {
    const r = rules.find((x) => x.id === id)!;
    const row = DOC.split('\n').find((l) => l.startsWith(`| [${id}](#${id}) |`));
    if (row === undefined) { problems.push(`${id}: no table row`); continue; }
    if (!row.includes(`\`${r.metric}`)) problems.push(`${id}: the row does not name ${r.metric}`);
    if (!row.includes(`| ${r.severity} |`)) problems.push(`${id}: the row does not say ${r.severity}`);
    if (!DOC.includes(`\n### ${id}\n`)) problems.push(`${id}: no "### ${id}" runbook section`);
  }
  const documented = [...DOC.matchAll(/^### ([a-z0-9-]+)$/gm)].map((m) => m[1]!);
  assert.deepEqual(problems, []);
  assert.deepEqual(documented.filter((d) => !ids.includes(d)), [], 'docs/ALERTS.md has runbook sections for rules that do not exist');
});
