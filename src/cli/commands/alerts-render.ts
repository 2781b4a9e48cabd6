// `panther alerts render <kind>`: the fleet's plans and the alerting config in, one file out.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { ALERT_RENDER_KINDS, alertRenderers, NEEDS, parseAlertingConfig, type AlertingConfig, type AlertRenderKind } from '../../alerting/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { str, type Command, type Values } from '../command.ts';
import { alertsRenderInfo } from './alerts-render.meta.ts';

async function readAlertingConfig(path: string): Promise<AlertingConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new PantherError('alerting-config-unreadable', `${path}: cannot read the alerting config (${(cause as Error).message})`, {
      subject: path, cause, hint: 'write one as docs/ALERTS.md "The alerting config" shows',
    });
  }
  return parseAlertingConfig(json, path);
}

function planFiles(values: Values): string[] {
  const v = values['plan'];
  return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : typeof v === 'string' ? [v] : [];
}

export const alertsRender: Command = {
  ...alertsRenderInfo,
  async run(values, positionals, io) {
    const kind = positionals[0];
    if (kind === undefined || !(ALERT_RENDER_KINDS as readonly string[]).includes(kind) || positionals.length > 1) {
      throw usageError(`alerts render needs one kind: ${ALERT_RENDER_KINDS.join(', ')}`, 'e.g. panther alerts render prometheus-rules --plan hetzner.json --plan ovh.json');
    }
    const k = kind as AlertRenderKind;
    const files = planFiles(values);
    if (NEEDS[k].plans && files.length === 0) {
      throw usageError(`alerts render ${k} needs the fleet's plans`, 'pass --plan FILE once per host (write them with panther plan … --out FILE)');
    }
    const alerting = str(values, 'alerting');
    if (NEEDS[k].config && alerting === undefined) {
      throw usageError(`alerts render ${k} needs the alerting config`, 'pass --alerting FILE (docs/ALERTS.md "The alerting config")');
    }
    const plans: StoragePlan[] = [];
    for (const file of files) {
      const plan = await readPlan(file);
      const twin = plans.find((p) => p.host === plan.host);
      if (twin !== undefined) {
        throw new PantherError('usage', `two plans are for host ${plan.host} (${file} and an earlier --plan)`, { exitCode: ExitCode.usage, hint: 'pass each host\'s plan once' });
      }
      plans.push(plan);
    }
    const config = alerting === undefined ? undefined : await readAlertingConfig(alerting);
    const text = alertRenderers[k](plans, config);
    const out = str(values, 'out');
    if (out === undefined) io.out(text);
    else { await writeFileAtomic(out, text); io.err(`wrote ${out}`); }
    return ExitCode.ok;
  },
};
