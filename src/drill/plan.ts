// What a restore or disaster drill will do, decided before anything is downloaded: the newest point
// of each subvolume, what its chain downloads and occupies, which subvolumes fit the download budget,
// and how large the scratch filesystem must be. `--dry-run` prints it; the drill follows it.
import { statfs } from 'node:fs/promises';
import { chainOf, type PointView } from '../backup/chain.ts';
import { openRepo } from '../backup/open.ts';
import { loadPoints } from '../backup/points.ts';
import { formatBytes } from '../core/bytes.ts';
import { B2_PRICES } from '../cost/prices.ts';
import type { RepositoryReader } from '../repo/index.ts';
import { budgetBytes, selectWithinBudget, type Candidate } from './budget.ts';
import { missingFromRepository, newestPoints } from './pick.ts';
import type { DrillRequest } from './request.ts';
import { integritySlice } from './rotation.ts';
import { imageBytesFor } from './scratch.ts';
import type { DrillLevel } from './types.ts';

/** Room kept in the download budget for the encryption check's re-read of the point's packs. */
export const MARKER_SCAN_BYTES = 64 * 1024 * 1024;

export interface PlannedSubvolume {
  subvolume: string;
  point: PointView;
  chain: string[];
  /** Bytes its restore downloads, and the send stream bytes it receives. */
  storedBytes: number;
  streamBytes: number;
  /** The packs of the newest point (the encryption check reads them). */
  packs: string[];
}

export interface RestorePlan {
  lastBackupAt: string | null;
  /** Subvolumes the plan backs up with no point in the repository. */
  missing: string[];
  chosen: PlannedSubvolume[];
  deferred: Array<{ subvolume: string; reason: string }>;
  /** Download budget in bytes; null = none. */
  limitBytes: number | null;
  /** Size of the sparse scratch image (and the free room it needs). */
  imageBytes: number;
}

export async function planRestore(repo: RepositoryReader, request: DrillRequest): Promise<RestorePlan> {
  const disaster = request.level === 'disaster';
  const plan = disaster ? null : request.plan;
  const points = await loadPoints(repo);
  const byId = new Map(points.map((p) => [p.id, p]));
  const created = (await repo.listManifests()).flatMap((e) => (e.head === undefined ? [] : [e.head.created])).sort();
  const backedUp = (name: string): boolean => plan === null || plan.pools.some((p) => p.subvolumes.some((s) => s.name === name && s.backup !== 'never'));
  const planned: PlannedSubvolume[] = [];
  for (const n of newestPoints(points).filter((x) => backedUp(x.subvolume))) {
    const chain = chainOf(byId, n.point.id);
    let storedBytes = 0;
    let streamBytes = 0;
    let packs: string[] = [];
    for (const id of chain) {
      const d = await repo.restoreDownloadBytes(id);
      storedBytes += d.bytes;
      if (id === n.point.id) packs = d.packs;
      streamBytes += (await repo.readManifest(id)).head.stream.size;
    }
    planned.push({ subvolume: n.subvolume, point: n.point, chain, storedBytes, streamBytes, packs });
  }
  const limitBytes = request.location.url.startsWith('s3://') && request.budgetUsd !== null ? budgetBytes(request.budgetUsd, B2_PRICES) : null;
  const candidates: Candidate[] = planned.map((p) => ({ subvolume: p.subvolume, bytes: p.storedBytes, ...(request.lastRestoredAt[p.subvolume] === undefined ? {} : { lastRestoredAt: request.lastRestoredAt[p.subvolume]! }) }));
  const selection = selectWithinBudget(candidates, limitBytes === null ? null : Math.max(0, limitBytes - MARKER_SCAN_BYTES));
  const chosen = planned.filter((p) => selection.take.some((t) => t.subvolume === p.subvolume));
  return {
    lastBackupAt: created.at(-1) ?? null,
    missing: plan === null ? [] : missingFromRepository(plan, points),
    chosen, deferred: selection.defer, limitBytes,
    // Subvolumes are restored one after another and deleted in between: room for the largest.
    imageBytes: imageBytesFor(Math.max(0, ...chosen.map((p) => p.streamBytes))),
  };
}

export interface DrillPlan {
  level: DrillLevel;
  repository: string;
  budgetUsd: number | null;
  integrity?: { slice: { index: number; of: number } };
  restore?: Omit<RestorePlan, 'chosen'> & { chosen: Array<Omit<PlannedSubvolume, 'packs' | 'point'> & { point: string; snapshot: string }> };
  scratch?: { dir: string; freeBytes: number | null };
}

/** The dry run: opens the repository (reads its manifests and index), restores nothing. */
export async function planDrill(request: DrillRequest): Promise<DrillPlan> {
  const { redactUrl } = await import('../core/redact-url.ts');
  const base: DrillPlan = { level: request.level, repository: redactUrl(request.location.url), budgetUsd: request.location.url.startsWith('s3://') ? request.budgetUsd : null };
  if (request.level === 'integrity') return { ...base, integrity: { slice: integritySlice(Date.parse(request.now), request.periodWeeks) } };
  const planned = await planRestore(await openRepo(request.location), request);
  const free = await statfs(request.scratchDir).then((s) => Number(s.bavail) * Number(s.bsize), () => null);
  return {
    ...base,
    restore: { ...planned, chosen: planned.chosen.map(({ packs: _p, point, ...rest }) => ({ ...rest, point: point.id, snapshot: point.snapshotName })) },
    scratch: { dir: request.scratchDir, freeBytes: free },
  };
}

export function drillPlanText(p: DrillPlan): string {
  const lines = [`drill ${p.level} (dry run), repository ${p.repository}${p.budgetUsd === null ? '' : `, download budget $${p.budgetUsd}`}`];
  if (p.integrity !== undefined) lines.push(`  would check the structure and read slice ${p.integrity.slice.index + 1} of ${p.integrity.slice.of} of the packs`);
  const r = p.restore;
  if (r !== undefined) {
    for (const c of r.chosen) lines.push(`  would restore ${c.subvolume} ${c.snapshot}: chain of ${c.chain.length}, downloads ${formatBytes(c.storedBytes)}, receives ${formatBytes(c.streamBytes)}`);
    for (const d of r.deferred) lines.push(`  would defer ${d.subvolume}: ${d.reason}`);
    for (const m of r.missing) lines.push(`  would FAIL: ${m} is backed up by the plan but has no point in the repository`);
    lines.push(`  scratch: a ${formatBytes(r.imageBytes)} sparse image in ${p.scratch?.dir}${p.scratch?.freeBytes == null ? ' (does not exist yet)' : ` (${formatBytes(p.scratch.freeBytes)} free${p.scratch.freeBytes < r.imageBytes ? ': NOT ENOUGH, the drill would refuse to start' : ''})`}`);
    lines.push(`  last backup completed: ${r.lastBackupAt ?? 'never'}`);
  }
  return lines.join('\n');
}
