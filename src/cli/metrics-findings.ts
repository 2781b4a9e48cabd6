// `panther doctor`'s word on the metrics configuration: a DD_* setting the client cannot use turns
// sending off (runs never fail for it), and a damaged counters file restarts the exporter's counters;
// both are silent at run time, so doctor is where they are said.
import type { DoctorFinding } from '../provision/doctor/index.ts';
import { dogstatsdConfig, metricsDisabled } from '../metrics/dogstatsd-config.ts';
import { readCounters } from '../metrics/counters-state.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Findings from the environment alone (pure). */
export function metricsConfigFindings(env: Env): DoctorFinding[] {
  const config = dogstatsdConfig(env);
  if (config.problem !== null) {
    return [{
      id: 'metrics-config', severity: 'warning', subject: 'metrics',
      expected: 'DD_AGENT_HOST / DD_DOGSTATSD_PORT naming the Datadog agent (default 127.0.0.1:8125)',
      found: `${config.problem}: no metric is sent`,
      fix: 'fix the variable in the services\' environment (NixOS: storage.monitoring.environment), or set PANTHER_METRICS=off',
    }];
  }
  if (metricsDisabled(env)) {
    return [{
      id: 'metrics-off', severity: 'info', subject: 'metrics',
      expected: 'metrics sent to the Datadog agent, or off on purpose',
      found: 'PANTHER_METRICS=off: nothing is sent (the counters file for the exporter is still kept)',
      fix: 'nothing, if intended; NixOS: storage.monitoring.enable = true to send',
    }];
  }
  return [];
}

/** Findings about the runs' counters file in `stateDir` for `host`. */
export async function countersFileFindings(stateDir: string, host: string): Promise<DoctorFinding[]> {
  const reading = await readCounters(stateDir, host);
  if (reading.problem === null) return [];
  return [{
    id: 'metrics-counters-damaged', severity: 'warning', subject: `metrics-${host}.json`,
    expected: 'a readable counters file (docs/FORMAT.md), or none yet',
    found: `${reading.problem}: the exporter serves no run counters until the next run starts the file again`,
    fix: 'nothing to do by hand: the next snapshot or backup run replaces it (its counts restart from 0)',
  }];
}
