// The API's routes. State-changing ones run under the host lock, as the CLI's snapshot commands do,
// so a snapshot run's prune never decides on a snapshot the API is changing.
import { z } from 'zod';
import { acquireLock } from '../locks/host-lock.ts';
import { createSnapshot, deleteSnapshot, setPinned, type EngineContext } from '../snapshot/engine.ts';
import { findSnapshot } from '../snapshot/store.ts';
import { diffSnapshots } from '../snapshot/diff.ts';
import { restoreFile } from '../snapshot/restore-file.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { route, type Route, type ServeContext } from './route.ts';
import * as s from './schemas.ts';
import { backupsView, drillsView, historyView, snapshotsView, statusView, type ReadContext } from './views.ts';
import { restoreTarget } from './restore-target.ts';
import { openApiDocument } from './openapi.ts';

export const API = '/api/v1';

const read = (c: ServeContext): ReadContext => ({ plan: c.plan, root: c.root, stateDir: c.stateDir, now: c.now(), log: c.log, doctor: c.doctor });
const engine = (c: ServeContext): EngineContext => ({ plan: c.plan, root: c.root, creator: 'api@panther', log: c.log, signal: c.signal });

async function locked<T>(c: ServeContext, purpose: string, fn: () => Promise<T>): Promise<T> {
  // No waiting: a snapshot run can hold the lock for minutes; the caller gets a 409 and retries.
  const lock = await acquireLock(c.lockPath, `${purpose} (panther serve)`, 0);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

const entry = (meta: Awaited<ReturnType<typeof setPinned>>): z.input<typeof s.snapshotEntry> => ({ ...meta, rebuilt: false });

function pin(pinned: boolean): Route {
  const verb = pinned ? 'pin' : 'unpin';
  return route({
    method: 'post', path: `${API}/snapshots/{name}/${verb}`, operationId: `${verb}Snapshot`, role: 'admin',
    summary: pinned ? 'pin a snapshot: retention keeps it until it is unpinned' : 'unpin a snapshot: retention decides over it again',
    params: s.nameParams, body: null, response: s.snapshotBody,
    handle: async (c, { params }) => ({ snapshot: entry(await locked(c, `snapshot ${verb}`, () => setPinned(engine(c), params.name, pinned))) }),
  });
}

export const ROUTES: Route[] = [
  route({
    method: 'get', path: `${API}/session`, operationId: 'getSession', role: 'read', params: null, body: null, response: s.sessionBody,
    summary: 'the CSRF value to send in X-Panther-CSRF with every state-changing request, and the token\'s role',
    handle: async (_c, { role, csrf }) => ({ csrf: csrf!, role: role! }),
  }),
  route({
    method: 'get', path: `${API}/status`, operationId: 'getStatus', role: 'read', params: null, body: null, response: s.statusBody,
    summary: 'the host at a glance: newest snapshot, backup and drill per subvolume with their ages against the RPO, the upload backlog, this month\'s cost against the budget, the drills',
    handle: async (c) => statusView(read(c)),
  }),
  route({
    method: 'get', path: `${API}/snapshots`, operationId: 'listSnapshots', role: 'read', params: null, body: null, response: s.snapshotsBody,
    summary: 'every snapshot per subvolume, with its tiers, pin, holds and hook outcomes',
    handle: async (c) => snapshotsView(read(c)),
  }),
  route({
    method: 'post', path: `${API}/snapshots`, operationId: 'createSnapshot', role: 'admin', params: null, body: s.createSnapshotRequest, response: s.snapshotBody, status: 201,
    summary: 'take a manual snapshot of one subvolume (its hooks run as for any snapshot)',
    handle: async (c, { body }) => {
      if (!c.plan.pools.some((p) => p.subvolumes.some((x) => x.name === body.subvolume))) {
        throw new PantherError('unknown-subvolume', `the plan of ${c.plan.host} has no subvolume ${JSON.stringify(body.subvolume.slice(0, 100))}`, { exitCode: ExitCode.usage, hint: 'GET /api/v1/snapshots lists the subvolumes' });
      }
      const meta = await locked(c, 'snapshot create', () => createSnapshot(engine(c), {
        subvolume: body.subvolume, now: c.now(), origin: 'manual', tags: body.tags ?? [], description: body.description ?? null,
      }));
      return { snapshot: entry(meta) };
    },
  }),
  pin(true),
  pin(false),
  route({
    method: 'delete', path: `${API}/snapshots/{name}`, operationId: 'deleteSnapshot', role: 'admin', params: s.nameParams, body: null, response: s.snapshotBody,
    summary: 'delete a snapshot (refused while it is pinned or held)',
    handle: async (c, { params }) => ({ snapshot: entry(await locked(c, 'snapshot delete', () => deleteSnapshot(engine(c), params.name, false))) }),
  }),
  route({
    method: 'get', path: `${API}/snapshots/{older}/diff/{newer}`, operationId: 'diffSnapshots', role: 'read', params: s.diffParams, body: null, response: s.diffBody,
    summary: 'what changed between two snapshots of one subvolume (read from btrfs, no tree walked)',
    handle: async (c, { params }) => {
      const older = await findSnapshot(c.plan, c.root, params.older, c.log);
      const newer = await findSnapshot(c.plan, c.root, params.newer, c.log);
      if (older.stored.meta.subvolume !== newer.stored.meta.subvolume) {
        throw new PantherError('diff-subvolumes', `${params.older} and ${params.newer} are snapshots of different subvolumes`, { exitCode: ExitCode.usage, hint: 'diff two snapshots of the same subvolume' });
      }
      return { older: params.older, newer: params.newer, changes: await diffSnapshots(older.stored.path, newer.stored.path) };
    },
  }),
  route({
    method: 'post', path: `${API}/snapshots/{name}/restore`, operationId: 'restoreFromSnapshot', role: 'admin', params: s.nameParams, body: s.restoreRequest, response: s.restoreBody,
    summary: 'restore a file or directory from a snapshot to its place, or into a directory inside a mounted subvolume; links are never followed',
    handle: async (c, { params, body }) => {
      const to = body.to === undefined ? undefined : await restoreTarget(c.plan, c.root, body.to);
      return locked(c, 'snapshot restore-file', () => restoreFile(engine(c), params.name, body.path, { ...(to === undefined ? {} : { to }), overwriteNewer: body.overwriteNewer ?? false }));
    },
  }),
  route({
    method: 'get', path: `${API}/backups`, operationId: 'listBackups', role: 'read', params: null, body: null, response: s.backupsBody,
    summary: 'backup points per subvolume from the host\'s own record (the repository is never listed: that costs money), unfinished uploads, the last run',
    handle: async (c) => backupsView(read(c)),
  }),
  route({
    method: 'get', path: `${API}/drills`, operationId: 'getDrills', role: 'read', params: null, body: null, response: s.drillsBody,
    summary: 'the restore drills\' state: the newest result per level, a drill running now, the history',
    handle: async (c) => drillsView(read(c)),
  }),
  route({
    method: 'get', path: `${API}/history`, operationId: 'getHistory', role: 'read', params: null, query: s.historyQuery, body: null, response: s.historyBody,
    summary: 'the dashboard\'s plots over the last `days` days, from the host\'s history: pool usage, snapshot counts and sizes, backup size and duration per night, cost per month against the budget, failures per day',
    handle: async (c, { query }) => historyView(read(c), query.days),
  }),
  route({
    method: 'get', path: `${API}/fleet`, operationId: 'getFleet', role: 'read', params: null, body: null, response: s.fleetBody,
    summary: 'each fleet host\'s health from its own GET /api/v1/status, asked at most every 30 s (--fleet); a host that did not answer is unreachable with its last data; no hosts without a fleet file',
    handle: async (c) => c.fleet(),
  }),
  route({
    method: 'get', path: `${API}/openapi.json`, operationId: 'getOpenApi', role: null, params: null, body: null, response: z.record(z.string(), z.unknown()),
    summary: 'this document (no token needed: it names no host data)',
    handle: async () => openApiDocument(ROUTES),
  }),
  route({
    method: 'get', path: '/healthz', operationId: 'getHealth', role: null, params: null, body: null, response: 'text',
    summary: '"ok" while the server runs (no token needed: for systemd and the fleet view\'s reachability)',
    handle: async () => ({ contentType: 'text/plain; charset=utf-8', text: 'ok\n' }),
  }),
  route({
    method: 'get', path: '/metrics', operationId: 'getMetrics', role: 'read', params: null, body: null, response: 'text',
    summary: 'every metric in the Prometheus text format (what `panther metrics serve` exports)',
    handle: async (c) => c.metrics(),
  }),
];
