// panther serve's API over real HTTP (127.0.0.1, a free port) against yoga's layout provisioned on
// loop btrfs, with snapshots taken by the CLI and a backup run into a local repository: every route's
// answer, every refusal (tokens, CSRF, size, media type, rate, unknown names, traversal in restore),
// a deleted file restored back on disk, a pin visible in the listing, the OpenAPI document complete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { seededBytes, writeAgeIdentity } from '../support/trees.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepo } from '../../src/backup/open.ts';
import { acquireLock } from '../../src/locks/host-lock.ts';
import { makeCollector } from '../../src/metrics/collect/collector.ts';
import { readRunSeries } from '../../src/metrics/collect/counters-source.ts';
import { cachedExposition } from '../../src/metrics/collect/serve.ts';
import { startServe, type RunningServer } from '../../src/serve/server.ts';
import type { ServeContext } from '../../src/serve/route.ts';
import { ROUTES } from '../../src/serve/routes.ts';
import { History, historyPath } from '../../src/history/store.ts';
import * as schemas from '../../src/serve/schemas.ts';
import { cachedDoctor } from '../../src/serve/doctor.ts';
import { fleetPoller } from '../../src/serve/fleet-poll.ts';
import { serveUrl } from '../support/serve-url.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS] });
const T1 = '2026-09-01T02:00:00.000Z';
const T2 = '2026-09-01T03:00:00.000Z';
const READ = 'r'.repeat(20) + '-read-token';
const ADMIN = 'a'.repeat(20) + '-admin-token';
const NODE = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node');
const MAIN = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

interface Answer { status: number; headers: Headers; text: string; json: () => any }

describe('panther serve: the status API over HTTP', { skip, timeout: 10 * 60_000 }, () => {
  let p: Provisioned;
  let server: RunningServer;
  let limited: RunningServer;
  let proxied: RunningServer;
  let ctx: ServeContext;
  let lock: string;
  let outside: string;
  let planFile: string;
  let stateDir: string;
  const logged: string[] = [];
  let s1 = '';
  let s2 = '';

  async function call(method: string, path: string, o: { token?: string | null; body?: unknown; raw?: string | Uint8Array; type?: string; headers?: Record<string, string>; csrf?: boolean; base?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? READ : o.token;
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (o.csrf !== false && token !== null && method !== 'GET') {
      const session = await fetch(`${o.base ?? server.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } });
      if (session.status === 200) headers['x-panther-csrf'] = ((await session.json()) as { csrf: string }).csrf;
    }
    let body: string | Uint8Array | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = o.type ?? 'application/json';
    const res = await fetch(`${o.base ?? server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  /** An error answer: the status, the code, and the shape every error has. */
  function refused(a: Answer, status: number, code: string): void {
    assert.equal(a.status, status, a.text);
    const body = a.json();
    assert.ok(schemas.errorBody.safeParse(body).success, a.text);
    assert.equal(body.error.code, code, a.text);
    assert.doesNotMatch(a.text, /at .*\.ts:\d+/, 'no stack trace');
  }

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const repo = join(p.loops.dir, 'repo');
    lock = join(p.loops.dir, 'host.lock');
    stateDir = join(p.loops.dir, 'state');
    outside = join(p.loops.dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'not yours\n');
    await initRepo({ url: repo, host: p.plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    const data = join(p.root, 'home', 'data');
    await mkdir(join(data, 'sub'), { recursive: true });
    await writeFile(join(data, 'keep.txt'), 'first version\n');
    await writeFile(join(data, 'sub', 'inner.txt'), 'inner\n');
    await writeFile(join(data, 'big.bin'), seededBytes('big', 200_000));
    // A link planted before the snapshot, pointing out of it: restore must never read through it.
    await symlink(outside, join(data, 'escape'));
    const snap = ['--plan', planFile, '--root', p.root, '--lock', lock];
    const a = await runCli('snapshot', 'create', '@home', ...snap, '--now', T1, '--json');
    assert.equal(a.code, 0, a.stderr);
    s1 = a.json().name;
    await writeFile(join(data, 'keep.txt'), 'second version, longer\n');
    await writeFile(join(data, 'added.txt'), 'new\n');
    const b = await runCli('snapshot', 'create', '@home', ...snap, '--now', T2, '--json');
    assert.equal(b.code, 0, b.stderr);
    s2 = b.json().name;
    const backup = await runCli('backup', 'run', ...snap, '--repo', repo, '--identity-file', key.identityFile, '--state-dir', stateDir, '--ignore-window', '--bandwidth', 'unlimited', '--now', T2);
    assert.equal(backup.code, 0, backup.stderr + backup.stdout);

    const now = (): string => new Date().toISOString();
    const log = (l: string): void => { logged.push(l); };
    const collector = makeCollector({ plan: p.plan, root: p.root, stateDir, snapshotSizes: false, sizesEveryMs: 3600_000, readRunSeries, now, warn: log });
    const exposition = cachedExposition({ host: p.plan.host, collect: collector.all, cacheMs: 0, log });
    ctx = {
      plan: p.plan, root: p.root, stateDir, lockPath: lock, now, log, signal: new AbortController().signal, doctor: cachedDoctor(p.plan, p.root),
      // The fleet view over real HTTP is serve-fleet.test.ts's; here: no fleet file, no hosts.
      fleet: fleetPoller({ hosts: [], token: READ, self: p.plan.host, stateDir, now: () => new Date(), log }).view,
      metrics: async () => { const e = await exposition(); return { contentType: e.contentType, text: e.text }; },
    };
    const listen = { host: '127.0.0.1', port: 0, loopback: true };
    server = await startServe({ ctx, listen, tokens: { read: READ, admin: ADMIN } });
    limited = await startServe({ ctx, listen, tokens: { read: READ, admin: ADMIN }, ratePerMinute: 3 });
    proxied = await startServe({ ctx, listen, tokens: { read: READ, admin: ADMIN }, ratePerMinute: 1, trustProxy: true });
  });
  after(async () => {
    await server?.close();
    await limited?.close();
    await proxied?.close();
    await p?.dispose();
  });

  test('the OpenAPI document: no token needed, every route in it, every schema named there', async () => {
    const a = await call('GET', '/api/v1/openapi.json', { token: null });
    assert.equal(a.status, 200, a.text);
    const doc = a.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method];
      assert.ok(op !== undefined, `${r.method} ${r.path} is not in the document`);
      assert.ok(op.responses[String(r.status)] !== undefined, `${r.operationId}: no ${r.status} answer`);
      if (r.role !== null) assert.ok(op.responses['401'] !== undefined, `${r.operationId}: 401 undocumented`);
      if (r.role === 'admin') assert.ok(op.responses['403'] !== undefined, `${r.operationId}: 403 undocumented`);
      if (r.body !== null) for (const s of ['400', '413', '415']) assert.ok(op.responses[s] !== undefined, `${r.operationId}: ${s} undocumented`);
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`)).sort();
    assert.deepEqual(documented, ROUTES.map((r) => `${r.method} ${r.path}`).sort(), 'the document lists exactly the routes served');
    // Every $ref points at a schema the document holds.
    const refs = [...a.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 10);
    for (const ref of refs) assert.ok(doc.components.schemas[ref] !== undefined, `dangling $ref ${ref}`);
  });

  test('tokens: none or a wrong one is 401, a read token on an admin route 403, admin reads too', async () => {
    const none = await call('GET', '/api/v1/status', { token: null });
    refused(none, 401, 'unauthorized');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    refused(await call('GET', '/api/v1/status', { token: `${READ}x` }), 401, 'unauthorized');
    refused(await call('GET', '/api/v1/status', { token: null, headers: { authorization: `Basic ${Buffer.from(`u:${READ}`).toString('base64')}` } }), 401, 'unauthorized');
    refused(await call('GET', '/metrics', { token: null }), 401, 'unauthorized');
    refused(await call('POST', '/api/v1/snapshots', { body: { subvolume: '@home' } }), 403, 'forbidden');
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`), 403, 'forbidden');
    refused(await call('DELETE', `/api/v1/snapshots/${s1}`), 403, 'forbidden');
    refused(await call('POST', `/api/v1/snapshots/${s1}/restore`, { body: { path: 'data/keep.txt' } }), 403, 'forbidden');
    const session = await call('GET', '/api/v1/session', { token: ADMIN });
    assert.equal(session.status, 200);
    assert.equal(session.json().role, 'admin');
    assert.equal((await call('GET', '/api/v1/session')).json().role, 'read');
    assert.equal((await call('GET', '/api/v1/status', { token: ADMIN })).status, 200);
    assert.ok(!logged.some((l) => l.includes(READ) || l.includes(ADMIN)), 'a token was logged');
  });

  test('CSRF: a state-changing request without X-Panther-CSRF, with a wrong one, or from another origin is 403', async () => {
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, csrf: false }), 403, 'csrf-missing');
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, csrf: false, headers: { 'x-panther-csrf': 'guessed' } }), 403, 'csrf-missing');
    // The read token's value does not stand for the admin token's.
    const readCsrf = (await call('GET', '/api/v1/session')).json().csrf;
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, csrf: false, headers: { 'x-panther-csrf': readCsrf } }), 403, 'csrf-missing');
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, headers: { origin: 'https://evil.example' } }), 403, 'csrf-origin');
    const meta = (await call('GET', '/api/v1/snapshots')).json().subvolumes.flatMap((s: any) => s.snapshots).find((x: any) => x.name === s1);
    assert.equal(meta.pinned, false, 'a refused request changed nothing');
    const same = new URL(server.url).host;
    const ok = await call('POST', `/api/v1/snapshots/${s1}/unpin`, { token: ADMIN, headers: { origin: `http://${same}` } });
    assert.equal(ok.status, 200, ok.text);
  });

  test('GET /status: newest snapshot, backup and drill per subvolume against the RPO, backlog, cost against the budget', async () => {
    const a = await call('GET', '/api/v1/status');
    assert.equal(a.status, 200, a.text);
    const st = schemas.statusBody.parse(a.json());
    assert.equal(st.host, 'yoga');
    assert.equal(st.rpoMinutes, p.plan.objectives.rpoMinutes);
    const home = st.subvolumes.find((s) => s.subvolume === '@home')!;
    assert.equal(home.snapshot.at, T2);
    assert.ok(home.snapshot.ageMinutes! > 60);
    assert.ok(home.backup.at !== null, 'the backup point is seen');
    assert.ok(st.backup !== null);
    assert.equal(st.backup.lastRun?.outcome, 'complete');
    assert.equal(st.backup.backlogBytes, 0);
    assert.ok(st.cost !== null);
    assert.equal(st.cost.budget?.budgetUsd, p.plan.backup.monthlyBudgetUsd);
    assert.deepEqual(st.drill, { running: null, last: [] });
    // Doctor compares the live loop btrfs with the plan it was provisioned from: nothing is wrong.
    assert.ok(st.doctor !== null);
    assert.equal(st.doctor.counts.error, 0, JSON.stringify(st.doctor.findings));
    assert.deepEqual(st.warnings, []);
  });

  test('GET /fleet without a fleet file: no hosts', async () => {
    const r = await call('GET', '/api/v1/fleet');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(schemas.fleetBody.parse(r.json()).hosts, []);
  });

  test('GET /snapshots, /backups, /drills, /metrics', async () => {
    const snaps = schemas.snapshotsBody.parse((await call('GET', '/api/v1/snapshots')).json());
    const home = snaps.subvolumes.find((s) => s.subvolume === '@home')!;
    assert.deepEqual(home.snapshots.map((s) => s.name).filter((n) => n === s1 || n === s2), [s1, s2]);
    assert.equal(home.snapshots.find((s) => s.name === s1)!.origin, 'manual');
    assert.ok(Array.isArray(home.snapshots[0]!.hooks));
    const backups = schemas.backupsBody.parse((await call('GET', '/api/v1/backups')).json());
    const hb = backups.subvolumes.find((s) => s.subvolume === '@home')!;
    assert.ok(hb.points.length >= 1, JSON.stringify(backups));
    assert.ok(hb.lastComplete !== null);
    assert.equal(backups.check, null);
    const drills = schemas.drillsBody.parse((await call('GET', '/api/v1/drills')).json());
    assert.equal(drills.state.host, 'yoga');
    const m = await call('GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(m.text, /^pantheros_snapshot_count/m);
    const h = await call('GET', '/healthz', { token: null });
    assert.equal(h.text, 'ok\n');
  });

  test('create, pin (the listing shows it), delete refused while pinned, unpin, delete; unknown names are 404', async () => {
    const created = await call('POST', '/api/v1/snapshots', { token: ADMIN, body: { subvolume: '@home', description: 'from the API', tags: ['api'] } });
    assert.equal(created.status, 201, created.text);
    const name = created.json().snapshot.name as string;
    assert.equal(created.json().snapshot.origin, 'manual');
    assert.equal(created.json().snapshot.creator, 'api@panther');
    const pinned = await call('POST', `/api/v1/snapshots/${name}/pin`, { token: ADMIN });
    assert.equal(pinned.status, 200, pinned.text);
    const listed = (await call('GET', '/api/v1/snapshots')).json().subvolumes.flatMap((s: any) => s.snapshots).find((x: any) => x.name === name);
    assert.equal(listed.pinned, true);
    assert.deepEqual(listed.tags, ['api']);
    refused(await call('DELETE', `/api/v1/snapshots/${name}`, { token: ADMIN }), 409, 'snapshot-protected');
    assert.equal((await call('POST', `/api/v1/snapshots/${name}/unpin`, { token: ADMIN })).json().snapshot.pinned, false);
    const deleted = await call('DELETE', `/api/v1/snapshots/${name}`, { token: ADMIN });
    assert.equal(deleted.status, 200, deleted.text);
    const names = (await call('GET', '/api/v1/snapshots')).json().subvolumes.flatMap((s: any) => s.snapshots).map((x: any) => x.name);
    assert.ok(!names.includes(name), 'the deleted snapshot is gone from the listing');
    refused(await call('DELETE', `/api/v1/snapshots/${name}`, { token: ADMIN }), 404, 'no-such-snapshot');
    refused(await call('POST', '/api/v1/snapshots/@home.20200101T000000Z/pin', { token: ADMIN }), 404, 'no-such-snapshot');
    refused(await call('POST', '/api/v1/snapshots/not-a-name/pin', { token: ADMIN }), 400, 'bad-request');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, body: { subvolume: '@nope' } }), 404, 'unknown-subvolume');
    refused(await call('GET', '/api/v1/nothing'), 404, 'not-found');
  });

  test('a held host lock makes a change wait for nobody: 409 locked', async () => {
    const held = await acquireLock(lock, 'the test', 0);
    try {
      refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN }), 409, 'locked');
    } finally {
      await held.release();
    }
  });

  test('bodies: not JSON 415, over 64 KiB 413, malformed or unknown keys 400', async () => {
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, raw: 'subvolume=@home', type: 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, raw: '{"subvolume":"@home"}', type: 'text/plain' }), 415, 'unsupported-media-type');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, raw: JSON.stringify({ subvolume: '@home', description: 'x'.repeat(70_000) }) }), 413, 'body-too-large');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, raw: '{"subvolume":' }), 400, 'bad-json');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, body: { subvolume: '@home', rm: '-rf' } }), 400, 'bad-request');
    refused(await call('POST', '/api/v1/snapshots', { token: ADMIN, body: { subvolume: 7 } }), 400, 'bad-request');
    refused(await call('POST', `/api/v1/snapshots/${s1}/restore`, { token: ADMIN, body: {} }), 400, 'bad-request');
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, body: { pinned: false } }), 400, 'unexpected-body');
    refused(await call('POST', `/api/v1/snapshots/${s1}/pin`, { token: ADMIN, raw: 'x', type: 'text/plain' }), 415, 'unsupported-media-type');
    const empty = await call('POST', `/api/v1/snapshots/${s1}/unpin`, { token: ADMIN, body: {} });
    assert.equal(empty.status, 200, empty.text);
  });

  test('diff: what changed between two snapshots; an unknown one is 404', async () => {
    const a = await call('GET', `/api/v1/snapshots/${s1}/diff/${s2}`);
    assert.equal(a.status, 200, a.text);
    const d = schemas.diffBody.parse(a.json());
    assert.ok(d.changes.some((c) => c.path === 'data/added.txt' && c.kind === 'added'), JSON.stringify(d.changes));
    assert.ok(d.changes.some((c) => c.path === 'data/keep.txt' && c.kind === 'modified'), JSON.stringify(d.changes));
    refused(await call('GET', `/api/v1/snapshots/${s1}/diff/@home.20200101T000000Z`), 404, 'no-such-snapshot');
  });

  test('restore: a deleted file comes back on disk, in place or into a chosen directory', async () => {
    const live = join(p.root, 'home', 'data', 'keep.txt');
    await unlink(live);
    const a = await call('POST', `/api/v1/snapshots/${s1}/restore`, { token: ADMIN, body: { path: 'data/keep.txt' } });
    assert.equal(a.status, 200, a.text);
    assert.equal(schemas.restoreBody.parse(a.json()).restored.length, 1);
    assert.equal(await readFile(live, 'utf8'), 'first version\n');
    const b = await call('POST', `/api/v1/snapshots/${s1}/restore`, { token: ADMIN, body: { path: '/home/data/sub', to: '/home/restored' } });
    assert.equal(b.status, 200, b.text);
    assert.equal(await readFile(join(p.root, 'home', 'restored', 'sub', 'inner.txt'), 'utf8'), 'inner\n');
    refused(await call('POST', `/api/v1/snapshots/${s1}/restore`, { token: ADMIN, body: { path: 'data/none.txt' } }), 404, 'not-in-snapshot');
  });

  test('restore: traversal, absolute paths out, a link in the snapshot and links in the target are refused', async () => {
    const before = await readFile(join(outside, 'secret.txt'), 'utf8');
    const restore = (body: object): Promise<Answer> => call('POST', `/api/v1/snapshots/${s1}/restore`, { token: ADMIN, body });
    refused(await restore({ path: '../../etc/passwd' }), 400, 'unsafe-path');
    refused(await restore({ path: 'data/../../x' }), 400, 'unsafe-path');
    // An absolute path outside the subvolume is read inside the snapshot, where it does not exist.
    refused(await restore({ path: '/etc/passwd' }), 404, 'not-in-snapshot');
    refused(await restore({ path: 'data/escape/secret.txt' }), 400, 'source-through-link');
    refused(await restore({ path: 'data/keep.txt', to: 'relative/dir' }), 400, 'serve-restore-target');
    refused(await restore({ path: 'data/keep.txt', to: '/home/../../tmp' }), 400, 'serve-restore-target');
    refused(await restore({ path: 'data/keep.txt', to: '/.snapshots/x' }), 400, 'serve-restore-target');
    // A link in the target directory's path, pointing out of the subvolume.
    await symlink(outside, join(p.root, 'home', 'trap'));
    refused(await restore({ path: 'data/keep.txt', to: '/home/trap' }), 400, 'serve-restore-target');
    refused(await restore({ path: 'data/keep.txt', to: '/home/trap/deeper' }), 400, 'serve-restore-target');
    // A live directory swapped for a link where the snapshot has a directory.
    await rm(join(p.root, 'home', 'data', 'sub'), { recursive: true });
    await symlink(outside, join(p.root, 'home', 'data', 'sub'));
    refused(await restore({ path: 'data/sub/inner.txt' }), 409, 'restore-through-link');
    // And below a chosen target: a link there is not followed either.
    await mkdir(join(p.root, 'home', 'target'));
    await symlink(outside, join(p.root, 'home', 'target', 'sub'));
    refused(await restore({ path: 'data/sub', to: '/home/target' }), 409, 'restore-through-link');
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), before);
    assert.equal(await lstat(join(outside, 'inner.txt')).then(() => true, () => false), false, 'nothing was written through a link');
  });

  test('rate limit: past the budget 429 with Retry-After, whatever the token', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call('GET', '/api/v1/status', { base: limited.url })).status, 200);
    const a = await call('GET', '/api/v1/status', { base: limited.url });
    refused(a, 429, 'rate-limited');
    assert.ok(Number(a.headers.get('retry-after')) >= 1);
    refused(await call('GET', '/api/v1/openapi.json', { base: limited.url, token: null }), 429, 'rate-limited');
    // Behind a proxy on loopback, each forwarded client has its own budget; what a client wrote before the proxy's entry is ignored.
    const via = (xff: string): Promise<Answer> => call('GET', '/healthz', { base: proxied.url, token: null, headers: { 'x-forwarded-for': xff } });
    assert.equal((await via('203.0.113.1')).status, 200);
    assert.equal((await via('203.0.113.2')).status, 200);
    refused(await via('203.0.113.1'), 429, 'rate-limited');
    refused(await via('198.51.100.9, 203.0.113.2'), 429, 'rate-limited');
  });

  test('panther serve as a process: token files, the API and /metrics, SIGTERM ends it with exit 0', async () => {
    const readFile_ = join(p.loops.dir, 'read.token');
    const adminFile = join(p.loops.dir, 'admin.token');
    await writeFile(readFile_, `${READ}\n`, { mode: 0o600 });
    await writeFile(adminFile, `${ADMIN}\n`, { mode: 0o600 });
    const child = spawn(NODE, [MAIN, 'serve', '--listen', '127.0.0.1:0', '--plan', planFile, '--root', p.root, '--state-dir', stateDir, '--lock', lock, '--read-token-file', readFile_, '--admin-token-file', adminFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const announced = serveUrl(child, exited);
    try {
      const url = await announced.url;
      const st = await call('GET', '/api/v1/status', { base: url });
      assert.equal(st.status, 200, st.text);
      assert.equal(st.json().host, 'yoga');
      const m = await call('GET', '/metrics', { base: url });
      assert.match(m.text, /^pantheros_/m);
      const pin = await call('POST', `/api/v1/snapshots/${s2}/pin`, { base: url, token: ADMIN });
      assert.equal(pin.status, 200, pin.text);
      assert.equal((await call('POST', `/api/v1/snapshots/${s2}/unpin`, { base: url, token: ADMIN })).status, 200);
      // The dashboard's history: the sampler's first sample of the real pool, the backup run's events.
      let plots: any = null;
      for (let i = 0; i < 50 && !(plots?.poolUsage.series.length > 0); i += 1) {
        const h = await call('GET', '/api/v1/history?days=400', { base: url });
        assert.equal(h.status, 200, h.text);
        plots = h.json().plots;
        if (!(plots.poolUsage.series.length > 0)) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(plots.poolUsage.series.map((x: { label: string }) => x.label), p.plan.pools.map((x) => x.device).sort());
      assert.ok(plots.poolUsage.series[0].values.some((v: number | null) => v !== null && v > 0 && v < 100), JSON.stringify(plots.poolUsage));
      assert.equal(plots.backupSize.x.length, 1, JSON.stringify(plots.backupSize));
      assert.deepEqual(plots.backupSize.series.map((x: { label: string }) => x.label), ['local']);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    const stderr = announced.stderr();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /stopped by SIGTERM/);
    assert.ok(!stderr.includes(READ) && !stderr.includes(ADMIN), 'a token reached the log');
    // It sampled the collector's gauges into the history at start (what the dashboard plots).
    const history = History.open(historyPath(stateDir, 'yoga'));
    try {
      assert.ok(history.series('pantheros.disk.usage', 0).length >= 1, 'pool usage sampled');
    } finally {
      history.close();
    }
  });

  test('no internal error was logged', () => {
    assert.deepEqual(logged.filter((l) => /internal|schema refuses/.test(l)), []);
  });
});

describe('panther serve: refusals before it listens', () => {
  test('a non-loopback address without --allow-remote, a world-readable token file, no token at all', async (t) => {
    const dir = join(process.env['TMPDIR'] ?? '/tmp', `panther-serve-${process.pid}`);
    await mkdir(dir, { recursive: true });
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'read');
    await writeFile(file, `${READ}\n`);
    await chmod(file, 0o644);
    const remote = await runCli('serve', '--listen', '0.0.0.0:0', '--read-token-file', file);
    assert.equal(remote.code, 2, remote.stderr);
    assert.match(remote.stderr, /serve-listen-remote|not a loopback address/);
    const open = await runCli('serve', '--listen', '127.0.0.1:0', '--read-token-file', file);
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /lets every user read it/);
    assert.doesNotMatch(open.stderr, new RegExp(READ));
    const none = await runCli('serve', '--listen', '127.0.0.1:0', '--plan', join(dir, 'no-plan.json'));
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /needs a token file/);
  });
});
