// `panther restore`: fetch a point's chain, verify every chunk and each whole stream, and receive
// the streams into a staging directory beside the destination. Only a complete, verified subvolume is
// moved into place, so a failed or corrupt restore leaves nothing half-written at the destination.
import { mkdtemp, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { writeReleased } from '../core/write-released.ts';
import { deleteSubvolume, deleteSubvolumes, isSubvolume, receiveStream, snapshotSubvolume } from '../btrfs/index.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { RepositoryReader } from '../repo/index.ts';
import { chainOf } from './chain.ts';
import { loadPoints } from './points.ts';

export interface RestoreReport {
  point: string;
  snapshot: string;
  chain: string[];
  path: string;
}

export async function findPoint(repo: RepositoryReader, ref: string): Promise<{ id: string; chain: string[]; names: string[]; snapshot: string }> {
  const points = await loadPoints(repo);
  const matches = points.filter((p) => p.id === ref || p.id.startsWith(ref) || p.snapshotName === ref);
  if (matches.length === 0) {
    // A point whose manifest cannot be read still exists: say it is damaged, not "no such point".
    const damaged = (await repo.listManifests()).find((e) => e.damaged !== undefined && (e.id === ref || e.id.startsWith(ref)));
    if (damaged !== undefined) {
      throw new PantherError('point-damaged', `backup point ${damaged.id.slice(0, 12)} is damaged: ${damaged.damaged}`, {
        hint: 'panther backup check names what is damaged; restore another point (panther backup list)',
      });
    }
  }
  if (matches.length !== 1) {
    throw new PantherError(matches.length === 0 ? 'no-such-point' : 'ambiguous-point', `${matches.length === 0 ? 'no' : `${matches.length}`} backup point(s) match "${ref}"`, {
      exitCode: ExitCode.usage, hint: 'name a point by id (or a unique id prefix) or by snapshot name: panther backup list',
    });
  }
  const point = matches[0]!;
  const byId = new Map(points.map((p) => [p.id, p]));
  const chain = chainOf(byId, point.id);
  return { id: point.id, chain, names: chain.map((c) => byId.get(c)!.snapshotName), snapshot: point.snapshotName };
}

/** The destination must be an existing directory: checked before any work, so the error names the real problem. */
export async function assertRestoreTarget(to: string): Promise<void> {
  let info;
  try {
    info = await stat(to);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new PantherError('restore-target-missing', `restore destination ${to} does not exist`, {
        subject: to, cause, hint: `create it first (mkdir -p ${to}) on a btrfs filesystem, or pass another --to`,
      });
    }
    throw new PantherError('restore-target-unreadable', `restore destination ${to} cannot be examined (${code ?? 'error'})`, {
      subject: to, cause, hint: 'check the path and that this user may read and write it',
    });
  }
  if (!info.isDirectory()) {
    throw new PantherError('restore-target-not-directory', `restore destination ${to} is not a directory`, {
      subject: to, hint: 'pass a directory on a btrfs filesystem with --to; the point is restored as a subvolume inside it',
    });
  }
}

export interface RestorePointOptions {
  /**
   * Nice levels `btrfs receive` runs ahead of panther (receiveStream's `favour`): for `panther
   * restore`, which someone waits for. Not for drills, which run in the background at the level the
   * service was given.
   */
  favourReceive?: number;
}

/** What `panther restore` gives receive: measured on two cores, 5 levels took ~6 % off a restore. */
export const INTERACTIVE_RECEIVE_FAVOUR = 5;

export async function restorePoint(repo: RepositoryReader, ref: string, to: string, log: (line: string) => void, signal?: AbortSignal, options: RestorePointOptions = {}): Promise<RestoreReport> {
  await assertRestoreTarget(to);
  const { id, chain, names, snapshot } = await findPoint(repo, ref);
  const final = join(to, snapshot);
  if (await stat(final).then(() => true, () => false)) {
    throw new PantherError('restore-target-exists', `${final} already exists`, { exitCode: ExitCode.refused, hint: 'restore somewhere else with --to, or move it away first' });
  }
  const staging = await mkdtemp(join(to, '.panther-restore-'));
  try {
    for (const [i, pointId] of chain.entries()) {
      log(`receiving ${i + 1}/${chain.length}: ${pointId.slice(0, 12)}…`);
      await receiveStream(staging, (stdin) => writeReleased(repo.restoreStream(pointId, signal === undefined ? {} : { signal }), stdin),
        options.favourReceive === undefined ? {} : { favour: options.favourReceive });
      // Each incremental needs only its parent: drop the one before as soon as its child is in, unless
      // the child is the last: then the move comes first, and the staging copies go together below.
      if (i > 0 && i < chain.length - 1) await deleteSubvolume(join(staging, names[i - 1]!));
    }
    // A received subvolume is read-only and cannot be renamed (EROFS): a read-only snapshot of it at
    // the destination is the atomic, free "move"; the staging copy goes with the staging directory.
    await snapshotSubvolume(join(staging, snapshot), final, { readonly: true });
    return { point: id, snapshot, chain, path: final };
  } finally {
    const received = (await receivedSubvolumes(staging)).map((name) => join(staging, name));
    // One call for all; if it fails, one by one, so one that cannot go does not keep the others.
    await deleteSubvolumes(received).catch(async () => {
      for (const path of received) await deleteSubvolume(path).catch(() => undefined);
    });
    await rmdir(staging).catch(() => undefined);
  }
}

async function receivedSubvolumes(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  const subvolumes: string[] = [];
  for (const name of names.sort()) if (await isSubvolume(join(dir, name))) subvolumes.push(name);
  return subvolumes;
}

/** The verified stream of one point to a writable (stdout). An incremental needs its parent at the receiver. */
export async function streamPoint(repo: RepositoryReader, ref: string, out: Writable, signal?: AbortSignal): Promise<{ point: string; snapshot: string; parent: string | null }> {
  const { id, chain, snapshot } = await findPoint(repo, ref);
  // restoreStream's chunks are ours alone: each is freed once written, not left to the collector.
  await writeReleased(repo.restoreStream(id, signal === undefined ? {} : { signal }), out);
  return { point: id, snapshot, parent: chain.length > 1 ? chain.at(-2)! : null };
}
