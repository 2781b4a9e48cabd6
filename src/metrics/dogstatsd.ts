// The DogStatsD client of the runs: fire-and-forget over UDP to the local Datadog agent. A run
// never waits on it and never fails because of it: `send` queues (at most MAX_PENDING events in
// flight, the rest are dropped and counted), every error is counted, and `close` gives the last
// datagrams a short time before it lets go. The agent being down is what `dropped` reports.
//
// hot-shots is loaded on the first send only (dynamic import), so `--help` and a run with
// PANTHER_METRICS=off load no npm module. Should it be missing from an install, the same lines go
// out through node:dgram rather than not at all.
import type { DogStatsdConfig } from './dogstatsd-config.ts';
import { typeOf, type MetricEvent } from './events.ts';
import { formatTags, sanitizeTags } from './tags.ts';

/** Events in flight or waiting for the client to load; more than this are dropped (bounded memory). */
export const MAX_PENDING = 1000;
export const CLOSE_TIMEOUT_MS = 500;

export interface MetricTransport {
  /** Sends one metric; `done` is called once, with the error if it was not sent. */
  send(type: 'c' | 'g', name: string, value: number, tags: string[], done: (error?: Error | null) => void): void;
  close(): void;
}

export type OpenTransport = (config: DogStatsdConfig, onError: (error: Error) => void) => Promise<MetricTransport>;

export interface SendResult {
  sent: number;
  dropped: number;
}

export class DogStatsdSender {
  #sent = 0;
  #dropped = 0;
  #pending = 0;
  #transport: Promise<MetricTransport | null> | null = null;
  #idle: Array<() => void> = [];
  readonly #config: DogStatsdConfig;
  readonly #open: OpenTransport;
  readonly #maxPending: number;

  constructor(config: DogStatsdConfig, open: OpenTransport = openHotShots, maxPending = MAX_PENDING) {
    this.#config = config;
    this.#open = open;
    this.#maxPending = maxPending;
  }

  get dropped(): number { return this.#dropped; }

  /** Queues the events; never throws, never waits. Disabled: does nothing (not counted as dropped). */
  send(events: readonly MetricEvent[]): void {
    if (!this.#config.enabled) return;
    for (const e of events) {
      if (this.#pending >= this.#maxPending) {
        this.#dropped += 1;
        continue;
      }
      this.#pending += 1;
      const type = typeOf(e) === 'counter' ? 'c' : 'g';
      const tags = formatTags(sanitizeTags(e.tags));
      void this.#client().then((t) => {
        if (t === null) return this.#settle(new Error('no DogStatsD client'));
        try {
          t.send(type, e.name, e.value, tags, (error) => this.#settle(error));
        } catch (error) {
          this.#settle(error as Error);
        }
      });
    }
  }

  /** Waits up to `timeoutMs` for what is in flight, then closes; what did not go out counts as dropped. */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<SendResult> {
    if (this.#pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); timer.unref(); }),
      ]);
      clearTimeout(timer);
    }
    this.#dropped += this.#pending;
    this.#pending = 0;
    const transport = this.#transport === null ? null : await this.#transport;
    try { transport?.close(); } catch { /* closing a dead socket is not a run's problem */ }
    return { sent: this.#sent, dropped: this.#dropped };
  }

  #client(): Promise<MetricTransport | null> {
    this.#transport ??= this.#open(this.#config, () => { this.#dropped += 1; }).catch(() => null);
    return this.#transport;
  }

  #settle(error: Error | null | undefined): void {
    if (this.#pending === 0) return; // already written off by close
    this.#pending -= 1;
    if (error) this.#dropped += 1; else this.#sent += 1;
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}

/** The hot-shots client the lead chose (package.json); the minimal shape we use of it. */
interface HotShotsClient {
  increment(stat: string, value: number, tags: string[], callback: (error?: Error | null) => void): void;
  gauge(stat: string, value: number, tags: string[], callback: (error?: Error | null) => void): void;
  close(callback?: (error?: Error) => void): void;
}
type HotShotsCtor = new (options: Record<string, unknown>) => HotShotsClient;

export const openHotShots: OpenTransport = async (config, onError) => {
  let StatsD: HotShotsCtor;
  try {
    // Should hot-shots be missing from an install, node:dgram below sends the same lines.
    const mod = await import('hot-shots') as unknown as { default?: HotShotsCtor; StatsD?: HotShotsCtor };
    StatsD = (mod.StatsD ?? mod.default)!;
    if (typeof StatsD !== 'function') throw new Error('hot-shots has no StatsD');
  } catch {
    return openDgram(config, onError);
  }
  const client = new StatsD({
    host: config.host, port: config.port, protocol: 'udp', globalTags: config.globalTags,
    // Only the catalog's names and tags plus DD_TAGS (docs/METRICS.md): no DD_ENV/DD_SERVICE/DD_VERSION
    // tags, no client telemetry series (datadog.dogstatsd.client.*, which hot-shots 17 sends by default
    // in Datadog mode), no cgroup container id (`|c:`; the hosts are not containers).
    includeDataDogTags: false, includeDatadogTelemetry: false, originDetection: false,
    maxBufferSize: 0, errorHandler: onError,
  });
  return {
    send: (type, name, value, tags, done) => (type === 'c' ? client.increment(name, value, tags, done) : client.gauge(name, value, tags, done)),
    close: () => client.close(() => undefined),
  };
};

/** The DogStatsD datagram hot-shots would send: `name:value|type|#tag,tag`. */
export function dogstatsdLine(type: 'c' | 'g', name: string, value: number, tags: readonly string[]): string {
  return `${name}:${value}|${type}${tags.length > 0 ? `|#${tags.join(',')}` : ''}`;
}

async function openDgram(config: DogStatsdConfig, onError: (error: Error) => void): Promise<MetricTransport> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket(config.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', onError);
  socket.unref();
  return {
    send: (type, name, value, tags, done) => socket.send(dogstatsdLine(type, name, value, [...tags, ...config.globalTags]), config.port, config.host, (error) => done(error)),
    close: () => socket.close(),
  };
}
