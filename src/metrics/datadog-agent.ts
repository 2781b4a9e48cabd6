// The Datadog agent's configuration for panther on a host: the systemd check for the panther units,
// journald log collection for them, and either DogStatsD (the runs and the collector send) or the
// OpenMetrics check on the exporter. The same checks the NixOS module sets (modules/storage/monitoring;
// test/integration/nix-module.test.ts compares them); `panther render datadog-agent` writes them as
// conf.d files for a host without NixOS. Values are JSON, which is YAML, as NixOS writes them too.

export type DatadogSource = 'dogstatsd' | 'openmetrics';

export interface DatadogAgentOptions {
  /** Unit names the systemd check and the journald logs cover ("panther-snapshot.service", …). */
  units: readonly string[];
  source: DatadogSource;
  logs: boolean;
  /** host:port of `panther metrics serve`. */
  listen: string;
}

export interface AgentFile {
  /** Relative to /etc/datadog-agent. */
  path: string;
  value: Record<string, unknown>;
}

export function datadogChecks(o: DatadogAgentOptions): Record<string, Record<string, unknown>> {
  const units = [...o.units];
  return {
    systemd: { init_config: {}, instances: [{ unit_names: units, tags: ['service:panther'] }] },
    ...(o.source === 'openmetrics' ? {
      openmetrics: {
        init_config: {},
        instances: [{ openmetrics_endpoint: `http://${o.listen}/metrics`, namespace: 'panther', metrics: ['pantheros_.*'], tags: ['service:panther'] }],
      },
    } : {}),
    ...(o.logs ? { journald: { logs: [{ type: 'journald', include_units: units, service: 'panther', source: 'panther' }] } } : {}),
  };
}

/** datadog.yaml settings panther needs (merged into the agent's own). */
export function datadogMainSettings(o: DatadogAgentOptions): Record<string, unknown> {
  return { use_dogstatsd: true, ...(o.logs ? { logs_enabled: true } : {}) };
}

export function datadogAgentFiles(o: DatadogAgentOptions): AgentFile[] {
  return [
    { path: 'datadog.yaml (merge these keys)', value: datadogMainSettings(o) },
    ...Object.entries(datadogChecks(o)).map(([check, value]) => ({ path: `conf.d/${check}.d/panther.yaml`, value })),
  ];
}
