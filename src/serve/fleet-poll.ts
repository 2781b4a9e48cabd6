// The fleet view's edge: asks every fleet host's GET /api/v1/status (in parallel, each within a
// timeout and a size bound, redirects followed only within the same origin), at most every ~30 s and
// only when someone asks (requests meanwhile share the poll in flight). Each host's last GOOD answer
// is kept in memory and in <state dir>/fleet-<this host>.json (docs/FORMAT.md §5.9), so after a restart
// a host that is down still shows how old its last data is. The fleet token is sent only to the
// fleet file's origins and never appears in a log line or a reason.
import { readAtMost } from '../core/read-at-most.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { readStateJson } from '../core/read-state-json.ts';
import { record } from '../core/schema.ts';
import type { FleetHost } from './fleet.ts';
import { clip, fleetView, type FleetView, type HostRecord, type StatusAnswer } from './fleet-health.ts';
import { statusBody } from './schemas.ts';

export const FLEET_POLL_EVERY_MS = 30_000;
export const FLEET_TIMEOUT_MS = 5_000;
export const FLEET_MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

export interface FleetPollerOptions {
  hosts: readonly FleetHost[];
  /** The token sent as Bearer to every fleet host (--fleet-token-file, else the read token); null: none. */
  token: string | null;
  /** This host's name: the cache file is fleet-<self>.json. */
  self: string;
  stateDir: string;
  now: () => Date;
  log: (line: string) => void;
  everyMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface FleetPoller {
  /** The fleet view, polling first when the last poll is older than everyMs. */
  view(): Promise<FleetView>;
}

type Asked = { ok: true; status: StatusAnswer } | { ok: false; reason: string };

const cacheSchema = z.object({
  format: z.literal('panther-fleet-cache'),
  version: z.literal(1),
  host: z.string(),
  updated: z.string(),
  hosts: record(z.string(), z.object({ url: z.string(), seenAt: z.string().refine((t) => !Number.isNaN(Date.parse(t))), status: statusBody })),
});

export const fleetCachePath = (stateDir: string, self: string): string => join(stateDir, `fleet-${self}.json`);

/** Hostile text (a host's JSON) made safe for a reason: printable, short. */
const shown = (text: string, max = 120): string => clip(text, max, '?');

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s (timeout)`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is panther serve running there, on that port?)';
  if (code !== undefined) return `cannot connect (${shown(code, 40)})`;
  return `the request failed (${shown(e.message ?? String(error))})`;
}

/** The body as text, or null when it is larger than maxBytes (reading stops there). */
async function boundedText(res: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes || res.body === null) {
    await res.body?.cancel().catch(() => undefined);
    return declared > maxBytes ? null : '';
  }
  const bytes = await readAtMost(res.body, maxBytes);
  return bytes === null ? null : Buffer.from(bytes).toString('utf8');
}

/** One host's GET /api/v1/status, never throwing: a good answer or why not. */
export async function askStatus(base: string, token: string | null, timeoutMs: number, maxBytes: number): Promise<Asked> {
  const signal = AbortSignal.timeout(timeoutMs);
  let target = new URL(`${base}/api/v1/status`);
  const origin = target.origin;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  try {
    for (let hop = 0; ; hop += 1) {
      const res = await fetch(target, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        let next: URL | null = null;
        try { next = new URL(res.headers.get('location') ?? '', target); } catch { next = null; }
        // The token must not travel to an origin the fleet file does not name.
        if (next === null || next.origin !== origin) return { ok: false, reason: `HTTP ${res.status}: a redirect to another origin, not followed` };
        if (hop >= MAX_REDIRECTS) return { ok: false, reason: `HTTP ${res.status}: more than ${MAX_REDIRECTS} redirects` };
        target = next;
        continue;
      }
      if (res.status === 401) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: false, reason: 'HTTP 401: the token was refused; check that the fleet token (--fleet-token-file, else --read-token-file) is a read token of that host' };
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: false, reason: `HTTP ${res.status}` };
      }
      const text = await boundedText(res, maxBytes);
      if (text === null) return { ok: false, reason: `invalid answer: larger than ${Math.round(maxBytes / 1024)} KiB` };
      let json: unknown;
      try { json = JSON.parse(text); } catch { return { ok: false, reason: 'invalid answer: not JSON' }; }
      const parsed = statusBody.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return { ok: false, reason: `invalid answer: not a status (${shown(issue.path.map(String).join('.') || '(root)', 80)}: ${shown(issue.message, 80)})` };
      }
      return { ok: true, status: parsed.data };
    }
  } catch (error) {
    return { ok: false, reason: networkReason(error, timeoutMs) };
  }
}

/**
 * Another host's answer is no answer: a fleet file with a copied or swapped URL would otherwise show
 * that host's health under this name, and the host really named would go unwatched.
 */
export function sameHost(h: FleetHost, a: Asked): Asked {
  if (!a.ok || a.status.host === h.host) return a;
  return { ok: false, reason: `the API at ${h.url} answers for host ${JSON.stringify(shown(a.status.host, 63))}, not ${JSON.stringify(h.host)}: fix the fleet file's URL for ${h.host}` };
}

export function fleetPoller(o: FleetPollerOptions): FleetPoller {
  const everyMs = o.everyMs ?? FLEET_POLL_EVERY_MS;
  const path = fleetCachePath(o.stateDir, o.self);
  const records = new Map<string, HostRecord>();
  let lastPollMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let loaded: Promise<void> | null = null;

  /** The persisted last good answers; a damaged file is a warning and an empty start, never a failed answer. */
  const load = async (): Promise<void> => {
    let cached: z.output<typeof cacheSchema>['hosts'] = {};
    try {
      const raw = await readStateJson(path, {
        unreadable: { code: 'serve-fleet-cache', what: 'the fleet cache' },
        damaged: (p, reason) => new Error(`${p}: ${reason}`),
      });
      if (raw !== null) {
        const parsed = cacheSchema.safeParse(raw);
        if (!parsed.success) o.log(`fleet: ignoring the damaged cache ${path} (${shown(parsed.error.issues[0]?.message ?? 'invalid')}); the hosts' last data starts anew`);
        else if (parsed.data.host !== o.self) o.log(`fleet: ignoring the cache ${path}: it is host ${shown(parsed.data.host, 63)}'s`);
        else cached = parsed.data.hosts;
      }
    } catch (error) {
      o.log(`fleet: ignoring the cache ${path} (${shown((error as Error).message, 200)}); the hosts' last data starts anew`);
    }
    for (const h of o.hosts) {
      const c = Object.hasOwn(cached, h.host) ? cached[h.host]! : null;
      records.set(h.host, { host: h.host, url: h.url, checkedAt: c?.seenAt ?? o.now().toISOString(), failure: null, last: c === null ? null : { status: c.status, seenAt: c.seenAt } });
    }
  };

  const persist = async (): Promise<void> => {
    const hosts: Record<string, { url: string; seenAt: string; status: StatusAnswer }> = {};
    for (const r of records.values()) if (r.last !== null) hosts[r.host] = { url: r.url, seenAt: r.last.seenAt, status: r.last.status };
    const body = { format: 'panther-fleet-cache', version: 1, host: o.self, updated: o.now().toISOString(), hosts };
    try {
      await writeFileAtomic(path, `${JSON.stringify(body)}\n`, 0o600);
    } catch (error) {
      o.log(`fleet: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the last data lives in memory only`);
    }
  };

  const poll = async (): Promise<void> => {
    const answers = await Promise.all(o.hosts.map(async (h) => ({ h, a: sameHost(h, await askStatus(h.url, o.token, o.timeoutMs ?? FLEET_TIMEOUT_MS, o.maxBytes ?? FLEET_MAX_ANSWER_BYTES)), at: o.now().toISOString() })));
    for (const { h, a, at } of answers) {
      const before = records.get(h.host)!;
      records.set(h.host, a.ok
        ? { ...before, checkedAt: at, failure: null, last: { status: a.status, seenAt: at } }
        : { ...before, checkedAt: at, failure: a.reason });
    }
    lastPollMs = o.now().getTime();
    if (answers.some(({ a }) => a.ok)) await persist();
  };

  return {
    async view() {
      if (o.hosts.length === 0) return { checkedAt: o.now().toISOString(), hosts: [] };
      loaded ??= load();
      await loaded;
      if (o.now().getTime() - lastPollMs >= everyMs) {
        inFlight ??= poll().finally(() => { inFlight = null; });
        await inFlight;
      }
      return fleetView(o.hosts.map((h) => records.get(h.host)!), o.now());
    },
  };
}
