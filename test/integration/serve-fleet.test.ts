// The fleet view over real HTTP: an aggregating `panther serve` asks other serves' GET /api/v1/status
// and answers GET /api/v1/fleet. Live hosts are yoga's layout provisioned once on loop btrfs and served
// under two plans (one whose RPO its snapshots miss); beside them a port nobody listens on, a serve
// with another token (401), and a plain HTTP server answering garbage, too much, or redirecting away.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { chmod, mkdtemp, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { startServe, type RunningServer } from '../../src/serve/server.ts';
import type { ServeContext } from '../../src/serve/route.ts';
import { cachedDoctor } from '../../src/serve/doctor.ts';
import { fleetCachePath, fleetPoller, type FleetPollerOptions } from '../../src/serve/fleet-poll.ts';
import * as schemas from '../../src/serve/schemas.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import type { FleetView } from '../../src/serve/fleet-health.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS] });
const READ = 'f'.repeat(20) + '-fleet-read-token';
const OTHER = 'o'.repeat(20) + '-another-token';
const listen = { host: '127.0.0.1', port: 0, loopback: true };

/** A plain HTTP server for the answers a panther serve never gives; it records every request. */
async function oddServer(): Promise<{ url: string; port: number; hits: Array<{ path: string; auth: string | undefined }>; close(): Promise<void> }> {
  const hits: Array<{ path: string; auth: string | undefined }> = [];
  let port = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    hits.push({ path, auth: req.headers.authorization });
    const json = (text: string): void => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(text); };
    if (path.startsWith('/garbage/') || path.startsWith('/count/')) json('{"host": 42, "hello": "world"}');
    else if (path.startsWith('/notjson/')) json('<html>hello</html>');
    else if (path.startsWith('/huge/')) {
      // No content-length: the bound must hold while reading, not only on the header.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"x":"');
      for (let i = 0; i < 40; i += 1) res.write('a'.repeat(64 * 1024));
      res.end('"}');
    } else if (path.startsWith('/away/')) { res.writeHead(302, { location: `http://localhost:${port}/stolen/api/v1/status` }); res.end(); }
    else if (path.startsWith('/same/')) { res.writeHead(302, { location: '/garbage/api/v1/status' }); res.end(); }
    else if (path.startsWith('/slow/')) { /* never answers */ }
    else if (path.startsWith('/stall/')) { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"host":'); /* and nothing more */ }
    else if (path.startsWith('/err/')) { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"error":{"code":"internal","message":"x"}}'); }
    else { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`, port, hits,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/** A port that was free a moment ago: nobody listens there. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('fleet poller: what a status API must not get away with (real HTTP, no btrfs)', { timeout: 60_000 }, () => {
  let odd: Awaited<ReturnType<typeof oddServer>>;
  let dir: string;
  const logged: string[] = [];
  const poller = (hosts: FleetPollerOptions['hosts'], over: Partial<FleetPollerOptions> = {}) =>
    fleetPoller({ hosts, token: READ, self: 'aggregator', stateDir: dir, now: () => new Date(), log: (l) => logged.push(l), everyMs: 0, ...over });

  before(async () => {
    odd = await oddServer();
    dir = await mkdtemp(join(tmpdir(), 'panther-fleet-poll-'));
  });
  after(async () => {
    await odd?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('garbage, non-JSON, oversized, redirected-away and silent answers: unreachable, each with its reason', async () => {
    const view = await poller([
      { host: 'garbage', url: `${odd.url}/garbage` }, { host: 'notjson', url: `${odd.url}/notjson` }, { host: 'huge', url: `${odd.url}/huge` },
      { host: 'away', url: `${odd.url}/away` }, { host: 'same', url: `${odd.url}/same` }, { host: 'slow', url: `${odd.url}/slow` },
      { host: 'stall', url: `${odd.url}/stall` }, { host: 'err', url: `${odd.url}/err` },
    ], { timeoutMs: 700 }).view();
    assert.ok(schemas.fleetBody.safeParse(view).success);
    const reasons = Object.fromEntries(view.hosts.map((h) => [h.host, h.reasons[0]]));
    for (const h of view.hosts) assert.deepEqual([h.host, h.state, h.summary, h.lastSeenAt], [h.host, 'unreachable', null, null]);
    assert.match(reasons['garbage']!, /^invalid answer: not a status \(host: /);
    assert.equal(reasons['notjson'], 'invalid answer: not JSON');
    assert.match(reasons['huge']!, /larger than 1024 KiB/);
    assert.match(reasons['away']!, /^HTTP 302: a redirect to another origin, not followed/);
    assert.match(reasons['same']!, /not a status/, 'a redirect within the same origin is followed');
    assert.match(reasons['slow']!, /no answer within 0.7 s \(timeout\)/);
    assert.match(reasons['stall']!, /no answer within 0.7 s \(timeout\)/, 'the timeout holds while the body is read too');
    assert.equal(reasons['err'], 'HTTP 500');
    assert.ok(!odd.hits.some((h) => h.path.startsWith('/stolen/')), 'the token went to another origin');
    assert.ok(odd.hits.filter((h) => h.path.startsWith('/garbage/')).every((h) => h.auth === `Bearer ${READ}`));
    assert.ok(!logged.some((l) => l.includes(READ)), 'the token was logged');
  });

  test('requests at the same time share one poll; a fresh poll only after everyMs', async () => {
    const before = odd.hits.filter((h) => h.path.startsWith('/count/')).length;
    const p = poller([{ host: 'count', url: `${odd.url}/count` }], { everyMs: 60_000 });
    await Promise.all([p.view(), p.view(), p.view()]);
    await p.view();
    assert.equal(odd.hits.filter((h) => h.path.startsWith('/count/')).length - before, 1);
  });

  test('a damaged cache file is a logged warning, never a failed answer', async () => {
    const own = await mkdtemp(join(tmpdir(), 'panther-fleet-damaged-'));
    try {
      await writeFile(fleetCachePath(own, 'aggregator'), '{ "format": "panther-fleet-cache", "version": 1, "host": "aggregator", "updated": "x", "hosts": { "a": { "url": "u", "seenAt": "2026-01-01T00:00:00Z", "status": {} } } }');
      const n = logged.length;
      const view = await poller([{ host: 'garbage', url: `${odd.url}/garbage` }], { stateDir: own }).view();
      assert.equal(view.hosts[0]!.state, 'unreachable');
      assert.ok(logged.slice(n).some((l) => /ignoring the damaged cache/.test(l)), logged.slice(n).join('\n'));
      await writeFile(fleetCachePath(own, 'aggregator'), '{ not json');
      const m = logged.length;
      await poller([{ host: 'garbage', url: `${odd.url}/garbage` }], { stateDir: own }).view();
      assert.ok(logged.slice(m).some((l) => /ignoring the cache .*not JSON/.test(l)), logged.slice(m).join('\n'));
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});

describe('GET /api/v1/fleet over real HTTP: live, failing, down, wrong-token and garbage hosts', { skip, timeout: 10 * 60_000 }, () => {
  let p: Provisioned;
  let odd: Awaited<ReturnType<typeof oddServer>>;
  let alpha: RunningServer | undefined;
  let bravo: RunningServer | undefined;
  let locked: RunningServer | undefined;
  let aggregator: RunningServer | undefined;
  let restarted: RunningServer | undefined;
  let aggDir: string;
  let hosts: FleetPollerOptions['hosts'];
  let baseCtx: Omit<ServeContext, 'fleet'>;
  const logged: string[] = [];
  const log = (l: string): void => { logged.push(l); };
  const noFleet = async (): Promise<FleetView> => ({ checkedAt: new Date().toISOString(), hosts: [] });

  async function fleetOf(server: RunningServer): Promise<FleetView> {
    const res = await fetch(`${server.url}/api/v1/fleet`, { headers: { authorization: `Bearer ${READ}` } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return schemas.fleetBody.parse(JSON.parse(text));
  }
  const aggregate = (): Promise<RunningServer> => startServe({
    listen, tokens: { read: READ, admin: null },
    ctx: { ...baseCtx, stateDir: aggDir, fleet: fleetPoller({ hosts, token: READ, self: 'aggregator', stateDir: aggDir, now: () => new Date(), log, everyMs: 0 }).view },
  });

  before(async () => {
    odd = await oddServer();
    p = await provisionSpecHost('yoga', {}, 1024);
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const lock = join(p.loops.dir, 'host.lock');
    // Ten minutes old: within yoga's RPO, over a plan's whose RPO is one minute.
    const taken = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    const snap = await runCli('snapshot', 'run', '--plan', planFile, '--root', p.root, '--lock', lock, '--now', taken, '--json');
    assert.equal(snap.code, 0, snap.stderr);
    const stateDir = join(p.loops.dir, 'state');
    aggDir = join(p.loops.dir, 'aggregator');
    await mkdir(stateDir);
    await mkdir(aggDir);
    baseCtx = { plan: p.plan, root: p.root, stateDir, lockPath: lock, now: () => new Date().toISOString(), log, signal: new AbortController().signal, doctor: cachedDoctor(p.plan, p.root), metrics: async () => ({ contentType: 'text/plain', text: '' }) };
    const tightPlan: StoragePlan = { ...p.plan, objectives: { ...p.plan.objectives, rpoMinutes: 1 } };
    // Each answers under the name the fleet file gives it (the same disks under three names).
    alpha = await startServe({ listen, tokens: { read: READ, admin: null }, ctx: { ...baseCtx, plan: { ...p.plan, host: 'alpha' }, fleet: noFleet } });
    bravo = await startServe({ listen, tokens: { read: READ, admin: null }, ctx: { ...baseCtx, plan: { ...tightPlan, host: 'bravo' }, fleet: noFleet } });
    locked = await startServe({ listen, tokens: { read: OTHER, admin: null }, ctx: { ...baseCtx, fleet: noFleet } });
    hosts = [
      { host: 'alpha', url: alpha.url }, { host: 'bravo', url: bravo.url }, { host: 'down', url: `http://127.0.0.1:${await deadPort()}` },
      { host: 'garbage', url: `${odd.url}/garbage` }, { host: 'locked', url: locked.url },
      // A copied line: alpha's URL under another name must not make "swapped" look watched.
      { host: 'swapped', url: alpha.url },
    ];
  });
  after(async () => {
    for (const s of [aggregator, restarted, alpha, bravo, locked]) await s?.close().catch(() => undefined);
    await odd?.close();
    await p?.dispose();
  });

  test('each host\'s state from its own answer; down, garbage and 401 unreachable with their reasons', async () => {
    aggregator = await aggregate();
    const view = await fleetOf(aggregator);
    const by = Object.fromEntries(view.hosts.map((h) => [h.host, h]));
    assert.deepEqual(view.hosts.map((h) => h.host), ['alpha', 'bravo', 'down', 'garbage', 'locked', 'swapped']);
    assert.equal(by['swapped']!.state, 'unreachable', JSON.stringify(by['swapped']));
    assert.equal(by['swapped']!.summary, null, 'another host\'s data is never shown as this one\'s');
    assert.match(by['swapped']!.reasons.join(' '), /answers for host "alpha", not "swapped": fix the fleet file/);
    // alpha: fresh snapshots, clean doctor, but no backup yet (nothing was uploaded): a warning, not a failure.
    assert.equal(by['alpha']!.state, 'warning', JSON.stringify(by['alpha']));
    assert.ok(by['alpha']!.reasons.some((r) => /no backup point/.test(r)), JSON.stringify(by['alpha']!.reasons));
    assert.ok(by['alpha']!.summary !== null && by['alpha']!.summary.lastSnapshotAt !== null);
    assert.equal(by['alpha']!.summary.doctorErrors, 0);
    assert.equal(by['alpha']!.dataAgeMinutes, 0);
    // bravo: the same snapshots under a one-minute RPO.
    assert.equal(by['bravo']!.state, 'failing', JSON.stringify(by['bravo']));
    assert.ok(by['bravo']!.reasons.some((r) => /over the RPO of 1 min/.test(r)), JSON.stringify(by['bravo']!.reasons));
    assert.equal(by['down']!.state, 'unreachable');
    assert.equal(by['down']!.summary, null);
    assert.equal(by['down']!.lastSeenAt, null);
    assert.match(by['down']!.reasons[0]!, /connection refused/);
    assert.equal(by['garbage']!.state, 'unreachable');
    assert.match(by['garbage']!.reasons[0]!, /invalid answer: not a status/);
    assert.equal(by['locked']!.state, 'unreachable');
    assert.match(by['locked']!.reasons[0]!, /HTTP 401: .*fleet token/);
    assert.ok(!logged.some((l) => l.includes(READ) || l.includes(OTHER)), 'a token was logged');
    const cache = fleetCachePath(aggDir, 'aggregator');
    assert.equal((await stat(cache)).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(JSON.parse(await readFile(cache, 'utf8')).hosts).sort(), ['alpha', 'bravo'], 'only good answers are kept');
  });

  test('a host that stops answering is unreachable with its last data; a restarted aggregator still shows it', async () => {
    const lastSeen = (await fleetOf(aggregator!)).hosts.find((h) => h.host === 'bravo')!.lastSeenAt;
    await bravo!.close();
    bravo = undefined;
    const gone = (await fleetOf(aggregator!)).hosts.find((h) => h.host === 'bravo')!;
    assert.equal(gone.state, 'unreachable', 'never failing or ok once it stopped answering');
    assert.match(gone.reasons[0]!, /connection refused/);
    assert.ok(gone.summary !== null && gone.summary.lastSnapshotAt !== null, 'its last summary stays');
    assert.equal(gone.lastSeenAt, lastSeen);
    assert.equal(typeof gone.dataAgeMinutes, 'number');
    await aggregator!.close();
    aggregator = undefined;
    restarted = await aggregate();
    const after = (await fleetOf(restarted)).hosts;
    const again = after.find((h) => h.host === 'bravo')!;
    assert.equal(again.state, 'unreachable');
    assert.equal(again.lastSeenAt, lastSeen, 'the last data came back from the file');
    assert.deepEqual(again.summary, gone.summary);
    assert.equal(after.find((h) => h.host === 'alpha')!.state, 'warning');
    assert.equal(after.find((h) => h.host === 'down')!.summary, null);
  });
});

describe('panther serve --fleet-token-file: refused like the other token files, never shown', () => {
  test('world-readable, a link, too short', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'panther-fleet-token-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const read = join(dir, 'read');
    await writeFile(read, `${READ}\n`, { mode: 0o600 });
    const fleetToken = join(dir, 'fleet');
    await writeFile(fleetToken, `${OTHER}\n`);
    await chmod(fleetToken, 0o644);
    const serve = (file: string) => runCli('serve', '--listen', '127.0.0.1:0', '--read-token-file', read, '--fleet-token-file', file, '--plan', join(dir, 'no-plan.json'));
    const open = await serve(fleetToken);
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /lets every user read it/);
    assert.doesNotMatch(open.stderr + open.stdout, new RegExp(`${OTHER}|${READ}`));
    await chmod(fleetToken, 0o600);
    await symlink(fleetToken, join(dir, 'link'));
    const link = await serve(join(dir, 'link'));
    assert.equal(link.code, 2, link.stderr);
    assert.match(link.stderr, /not a regular file/);
    await writeFile(join(dir, 'short'), 'x!y\n', { mode: 0o600 });
    const short = await serve(join(dir, 'short'));
    assert.equal(short.code, 2, short.stderr);
    assert.match(short.stderr, /fewer than 16/);
    assert.doesNotMatch(short.stderr, /x!y/);
  });
});
