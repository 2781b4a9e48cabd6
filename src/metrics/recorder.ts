// What a command does with its run's events: send them over DogStatsD at once, then add them (and
// what could not be sent, as pantheros.metrics.dropped) to the counters file the exporter reads.
// Never throws and never changes the run's outcome: a problem is one line through `warn`.
import { dogstatsdConfig } from './dogstatsd-config.ts';
import { DogStatsdSender, type OpenTransport } from './dogstatsd.ts';
import { event, type MetricEvent } from './events.ts';
import { recordEvents } from './counters-state.ts';
import { appendHistory } from '../history/store.ts';

/** The run's events into the host's history (what the dashboard plots); a problem is a warning. */
function recordHistory(opts: RecordOptions, events: readonly MetricEvent[], at: Date): void {
  try {
    appendHistory(opts.stateDir, opts.host, events.map((e) => ({ name: e.name, tags: e.tags, value: e.value, time: at.toISOString() })), at);
  } catch (error) {
    opts.warn(`metrics: could not add the run to the history in ${opts.stateDir} (${(error as Error).message}); the run itself is unaffected`);
  }
}

export interface RecordOptions {
  stateDir: string;
  /** The plan's host: the counters file's name. */
  host: string;
  events: readonly MetricEvent[];
  warn: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  /** Tests: another transport than hot-shots. */
  open?: OpenTransport;
}

export interface RecordResult {
  sent: number;
  dropped: number;
  /** The counters file was updated. */
  recorded: boolean;
}

export async function recordRun(opts: RecordOptions): Promise<RecordResult> {
  let sent = 0;
  let dropped = 0;
  try {
    const config = dogstatsdConfig(opts.env);
    if (opts.events.length > 0 && config.problem !== null) dropped = opts.events.length;
    const sender = new DogStatsdSender(config, opts.open);
    sender.send(opts.events);
    ({ sent, dropped } = await sender.close().then((r) => ({ sent: r.sent, dropped: r.dropped + dropped })));
  } catch {
    dropped = opts.events.length;
  }
  try {
    const extra = dropped > 0 ? [event('pantheros.metrics.dropped', dropped, { host: opts.host })] : [];
    if (opts.events.length + extra.length === 0) return { sent, dropped, recorded: false };
    const at = opts.now?.() ?? new Date();
    await recordEvents(opts.stateDir, opts.host, [...opts.events, ...extra], at.toISOString(), opts.warn);
    recordHistory(opts, [...opts.events, ...extra], at);
    return { sent, dropped, recorded: true };
  } catch (error) {
    opts.warn(`metrics: could not update the counters in ${opts.stateDir} (${(error as Error).message}); the run itself is unaffected`);
    return { sent, dropped, recorded: false };
  }
}
