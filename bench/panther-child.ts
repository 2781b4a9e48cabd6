// The panther side of the benchmark, run as its own process so GNU time sees its CPU and RSS.
// It makes the library calls `panther backup init|run` and `panther restore` make, minus the plan:
//   init            initRepo (src/backup/open.ts), master key wrapped for an age recipient
//   backup          btrfs send [-p parent] (BACKUP_SEND_OPTIONS) → repo.backup, as backupOne in src/backup/run.ts does
//   backup-stdin    stdin → repo.backup (the RSS check's synthetic stream)
//   restore         restorePoint (src/backup/restore.ts): chain → verified → btrfs receive → moved
//   restore-stdout  streamPoint: the verified stream to stdout (`panther restore --stdout`)
//   open            open the repository, load the index and the points: the fixed cost of any run
//   warm            load every module the other modes load and run a small backup and restore
//                   through them (into a throwaway repository): fills Node's compile cache as a
//                   host's earlier nightly runs have, so no measured run strips TypeScript
// The result goes to --result FILE as JSON.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { initRepo, openRepo } from '../src/backup/open.ts';
import { loadPoints } from '../src/backup/points.ts';
import type { Repository } from '../src/repo/index.ts';
import type { BackupOptions } from '../src/repo/writer/backup-writer.ts';
// Each mode loads what it uses, as each panther command does (src/cli/commands/table.ts): the
// fixed cost measured is the repository's, not the rest of the program's.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    repo: { type: 'string' }, host: { type: 'string' }, recipient: { type: 'string' }, 'identity-file': { type: 'string' },
    subvolume: { type: 'string' }, snapshot: { type: 'string' }, parent: { type: 'string' }, name: { type: 'string' },
    point: { type: 'string' }, to: { type: 'string' }, result: { type: 'string' },
  },
});

function need(key: keyof typeof values): string {
  const value = values[key];
  if (typeof value !== 'string') throw new Error(`panther-child: --${key} is required`);
  return value;
}

const open = (): Promise<Repository> => openRepo({ url: need('repo'), host: need('host'), identityFile: need('identity-file') });


// PANTHER_BENCH_CHUNK_WORKER=auto|always puts chunking and hashing on a worker thread (opt-in in the
// library: on the 2-core build machine it cost more than it saved; a bigger machine may differ).
const chunkWorker = process.env['PANTHER_BENCH_CHUNK_WORKER'];
// The source is a child's stdout or our stdin, read by nobody else, as in `panther backup run`.
const backupOptions: BackupOptions = { sourceOwned: true, ...(chunkWorker === 'auto' || chunkWorker === 'always' ? { chunking: { worker: chunkWorker } } : {}) };

async function backup(): Promise<unknown> {
  const [{ sendStream }, { showSubvolume }, { checkedStream }, { BACKUP_SEND_OPTIONS }] = await Promise.all([
    import('../src/btrfs/send.ts'), import('../src/btrfs/subvolume-show.ts'), import('../src/backup/checked-stream.ts'), import('../src/backup/send-options.ts'),
  ]);
  const subvolume = need('subvolume');
  const path = need('snapshot');
  const parentPath = values.parent;
  // `backup run` reads the snapshot's uuid from its sidecar; here btrfs is asked, beside opening the repository.
  const [repo, { uuid }] = await Promise.all([open(), showSubvolume(path)]);
  let parentPoint: string | null = null;
  if (parentPath !== undefined) {
    const points = await loadPoints(repo);
    const found = points.find((p) => p.subvolume === subvolume && p.snapshotName === basename(parentPath));
    if (found === undefined) throw new Error(`no backup point of ${basename(parentPath)} to send against`);
    parentPoint = found.id;
  }
  // The same send options as `panther backup run` (src/backup/send-options.ts).
  const sender = sendStream(path, { ...BACKUP_SEND_OPTIONS, ...(parentPath === undefined ? {} : { parent: parentPath }) });
  const result = await repo.backup(checkedStream(sender.stdout, sender.done, sender.kill), {
    subvolume, snapshot: { name: basename(path), uuid, time: new Date().toISOString() }, parent: parentPoint,
    extra: { send: parentPoint === null ? 'full' : 'incremental', host: repo.host },
  }, backupOptions);
  return { point: result.manifestId, progress: result.progress };
}

async function backupStdin(): Promise<unknown> {
  const repo = await open();
  const result = await repo.backup(process.stdin, {
    subvolume: need('subvolume'), snapshot: { name: need('name'), uuid: '00000000-0000-0000-0000-000000000000', time: new Date().toISOString() }, parent: null,
  }, backupOptions);
  return { point: result.manifestId, progress: result.progress };
}

async function warm(): Promise<unknown> {
  const [, , , , { streamPoint }] = await Promise.all([
    import('../src/btrfs/send.ts'), import('../src/btrfs/subvolume-show.ts'), import('../src/backup/checked-stream.ts'),
    import('../src/backup/send-options.ts'), import('../src/backup/restore.ts'),
  ]);
  const { Writable } = await import('node:stream');
  const repo = await open();
  const data = Buffer.alloc(3 * 1024 * 1024, 'warm-up ');
  const { manifestId } = await repo.backup((async function* () { yield data; })(), {
    subvolume: '@warm', snapshot: { name: 'warm', uuid: '00000000-0000-0000-0000-000000000000', time: new Date().toISOString() }, parent: null,
  }, backupOptions);
  await streamPoint(repo, manifestId, new Writable({ write: (_chunk, _encoding, done) => { done(); } }));
  await loadPoints(repo);
  return { point: manifestId };
}

async function main(): Promise<void> {
  const mode = positionals[0];
  let result: unknown;
  if (mode === 'init') {
    const repo = await initRepo({ url: need('repo'), host: need('host'), recipients: [need('recipient')] });
    result = { repository: repo.config.id };
  } else if (mode === 'backup') result = await backup();
  else if (mode === 'backup-stdin') result = await backupStdin();
  else if (mode === 'restore') {
    // As `panther restore` (src/cli/commands/restore.ts): receive favoured.
    const { restorePoint, INTERACTIVE_RECEIVE_FAVOUR } = await import('../src/backup/restore.ts');
    result = await restorePoint(await open(), need('point'), need('to'), () => undefined, undefined, { favourReceive: INTERACTIVE_RECEIVE_FAVOUR });
  } else if (mode === 'open') {
    const repo = await open();
    await repo.index();
    result = { points: (await loadPoints(repo)).length };
  } else if (mode === 'warm') result = await warm();
  else if (mode === 'restore-stdout') result = await (await import('../src/backup/restore.ts')).streamPoint(await open(), need('point'), process.stdout);
  else throw new Error(`panther-child: unknown mode ${String(mode)}`);
  if (values.result !== undefined) await writeFile(values.result, JSON.stringify(result));
}

await main();
