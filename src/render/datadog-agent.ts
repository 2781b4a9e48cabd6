// StoragePlan → the Datadog agent's configuration for panther on a host without NixOS (the NixOS
// module sets the same checks, modules/storage/monitoring): one bundle of files, each after a
// `# --- <path> ---` line, as `render systemd` writes its units. The checks cover the units that
// `render systemd` writes for the plan.
import type { StoragePlan } from '../plan/types.ts';
import { datadogAgentFiles, type DatadogSource } from '../metrics/datadog-agent.ts';
import { generatedHeader } from './describe.ts';
import { bundleSeparator, pantherUnits } from './systemd.ts';

export interface DatadogAgentRenderOptions {
  /** How metrics reach Datadog: the runs' DogStatsD (default) or the OpenMetrics check on the exporter. */
  datadogSource?: DatadogSource;
}

export const DEFAULT_EXPORTER_LISTEN = '127.0.0.1:9977';

export function renderDatadogAgent(plan: StoragePlan, options: DatadogAgentRenderOptions = {}): string {
  const units = pantherUnits(plan).filter((u) => u.name.endsWith('.service')).map((u) => u.name);
  const files = datadogAgentFiles({ units, source: options.datadogSource ?? 'dogstatsd', logs: true, listen: DEFAULT_EXPORTER_LISTEN });
  const header = [...generatedHeader(plan, 'datadog-agent'),
    'Files below /etc/datadog-agent; JSON is YAML. The agent reads the journal as its own user: add it to systemd-journal.']
    .map((l) => `# ${l}`).join('\n');
  return `${header}\n\n${files.map((f) => `${bundleSeparator(f.path)}\n${JSON.stringify(f.value, null, 2)}\n`).join('\n')}`;
}
