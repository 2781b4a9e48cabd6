// `panther serve`: reads the token files and the plan, starts the API (src/serve/), waits for a signal.
import { ENV, flagOrEnv } from '../../core/defaults.ts';
import { ExitCode } from '../../core/errors.ts';
import { cachedExposition } from '../../metrics/collect/serve.ts';
import { checkTokens, readTokenFile } from '../../serve/auth.ts';
import { cachedDoctor } from '../../serve/doctor.ts';
import { readFleet } from '../../serve/fleet.ts';
import { fleetPoller } from '../../serve/fleet-poll.ts';
import { DEFAULT_SAMPLE_EVERY_MS, startSampler } from '../../serve/sampler.ts';
import { DEFAULT_RATE_PER_MINUTE, DEFAULT_SERVE_LISTEN, serveListen, startServe } from '../../serve/server.ts';
import { flag, str, type Command } from '../command.ts';
import { wholeFlag } from '../flags.ts';
import { collectorOf } from '../metrics-context.ts';
import { DEFAULT_PLAN, stateDirOf } from '../options.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { hostLockPath } from '../snapshot-context.ts';
import { serveInfo } from './serve.meta.ts';

export const serve: Command = {
  ...serveInfo,
  async run(values, _positionals, io) {
    const listen = serveListen(str(values, 'listen') ?? DEFAULT_SERVE_LISTEN, flag(values, 'allow-remote'));
    const ratePerMinute = wholeFlag(values, 'rate-limit', { min: 1, example: '600' }) ?? DEFAULT_RATE_PER_MINUTE;
    const warn = (l: string): void => io.err(l);
    const tokenFile = (name: 'read-token-file' | 'admin-token-file', env: string): string | undefined => str(values, name) ?? process.env[env];
    const readFile = tokenFile('read-token-file', ENV.readTokenFile);
    const adminFile = tokenFile('admin-token-file', ENV.adminTokenFile);
    const tokens = {
      read: readFile === undefined ? null : await readTokenFile(readFile, warn),
      admin: adminFile === undefined ? null : await readTokenFile(adminFile, warn),
    };
    checkTokens(tokens); // before the plan: a missing token is the first thing to say
    // A fleet usually shares one read token: the serve's own is the default for asking the others.
    const fleetTokenFile = str(values, 'fleet-token-file');
    const fleetToken = fleetTokenFile === undefined ? tokens.read : await readTokenFile(fleetTokenFile, warn);
    const plan = await readPlan(flagOrEnv(str(values, 'plan'), 'plan', DEFAULT_PLAN));
    const fleetPath = str(values, 'fleet');
    const fleet = fleetPath === undefined ? [] : await readFleet(fleetPath);
    if (fleet.length > 0 && fleetToken === null) warn('fleet: no read token to ask the fleet hosts with (--fleet-token-file or --read-token-file); they will answer 401');
    const now = (): string => new Date().toISOString();
    const { host, collector } = await collectorOf(values, io, now, 3600_000);
    const exposition = cachedExposition({ host, collect: collector.all, cacheMs: 5000, log: warn });
    const root = str(values, 'root') ?? '/';
    const stop = new AbortController();
    const fleetView = fleetPoller({ hosts: fleet, token: fleetToken, self: plan.host, stateDir: stateDirOf(values), now: () => new Date(), log: warn });
    const server = await startServe({
      listen, tokens, ratePerMinute, trustProxy: flag(values, 'trust-proxy'),
      ctx: {
        plan, root, doctor: cachedDoctor(plan, root), stateDir: stateDirOf(values), lockPath: hostLockPath(values), now, log: warn, signal: stop.signal,
        fleet: () => fleetView.view(),
        metrics: async () => { const e = await exposition(); return { contentType: e.contentType, text: e.text }; },
      },
    });
    // The dashboard's history: the collector's gauges every 5 minutes, beside the runs' own events.
    const sampler = startSampler({ stateDir: stateDirOf(values), host: plan.host, gauges: collector.gauges, everyMs: DEFAULT_SAMPLE_EVERY_MS, now: () => new Date(), warn, signal: stop.signal });
    io.err(`serving the status API of ${plan.host} on ${server.url}/api/v1/ (${tokens.admin === null ? 'read-only: no admin token' : 'read and admin tokens'})${listen.loopback ? '' : ' (remote access allowed)'}; SIGTERM stops it`);
    const signal = await new Promise<string>((resolve) => {
      for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
    });
    stop.abort(new Error(`stopped by ${signal}`));
    await server.close();
    await sampler.stopped;
    io.err(`stopped by ${signal}`);
    return ExitCode.ok;
  },
};
