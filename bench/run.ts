// `npm run bench`: panther against restic, borg and `btrfs send [--proto 2 --compressed-data] | zstd -3 -T0 | age` on the same
// deterministic data on a loop btrfs, in one run; prints tables, ratios and the targets.
// Needs root. Everything it makes lives below one temp directory and is removed at the end, on
// failure and on Ctrl-C (unless --keep). See docs/BENCHMARK.md.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { applyDayOfChanges, buildData, buildTiny, changeTiny, shapeFor, snapshot } from './dataset.ts';
import { createBenchFs } from './fixture.ts';
import { parseOptions, USAGE, type BenchOptions } from './options.ts';
import { renderReport } from './report.ts';
import { evaluateTargets, type BenchResults } from './results.ts';
import { remoteRssCheck, rssCheck } from './rss.ts';
import { runScenarios, type World } from './scenarios.ts';
import { TOOL_PROGRAMS, type Secrets } from './tools.ts';
import { findOnPath } from '../src/core/find-on-path.ts';
import { buildBundle, ROOT } from '../scripts/bundle.ts';
import { useBundledChild } from './tools/panther.ts';
import { treeDigest } from './verify.ts';

const t0 = performance.now();
/** Each simulated day of the month makes this share of the s1 → s2 day's changes. */
const MONTH_DAY_SCALE = 0.25;
const log = (line: string): void => { process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`); };

function executable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

const onPath = (tool: string): boolean => findOnPath(tool) !== null;

function preflight(opts: BenchOptions): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('run as root (loop devices, mounts, btrfs send/receive)');
  const packages: Record<string, string> = { restic: 'restic', borg: 'borgbackup', zstd: 'zstd', age: 'age', 'age-keygen': 'age', btrfs: 'btrfs-progs', 'mkfs.btrfs': 'btrfs-progs', losetup: 'mount', '/usr/bin/time': 'time' };
  const needed = ['btrfs', 'mkfs.btrfs', 'losetup', ...opts.tools.flatMap((t) => TOOL_PROGRAMS[t])];
  const missing = needed.filter((p) => !onPath(p));
  if (!executable('/usr/bin/time')) missing.push('/usr/bin/time');
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}: apt-get install -y ${[...new Set(missing.map((m) => packages[m] ?? m))].join(' ')}`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

function version(cmd: string, args: string[]): string {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim(); } catch { return 'unknown'; }
}

async function makeSecrets(dir: string): Promise<Secrets> {
  await mkdir(dir, { mode: 0o700 });
  const passwordFile = join(dir, 'password');
  await writeFile(passwordFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  const identity = await generateX25519Identity();
  const identityFile = join(dir, 'identity.txt');
  await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
  return { passwordFile, identityFile, recipient: await identityToRecipient(identity) };
}

async function run(opts: BenchOptions): Promise<BenchResults> {
  const shape = shapeFor(opts.sizeGb);
  const imageMiB = Math.max(8192, Math.ceil(opts.sizeGb * 6 * 1024)) + Math.ceil(opts.tinyFilesLarge / 250);
  const loadBefore = loadavg();
  log(`loop btrfs of ${imageMiB} MiB (sparse), tools: ${opts.tools.join(', ')}`);
  const fs = await createBenchFs(imageMiB);
  const bundleDir = await mkdtemp(join(ROOT, '.bench-bundle-'));
  try {
    const buildStart = performance.now();
    const snaps = join(fs.mnt, 'snapshots');
    await mkdir(snaps);
    const at = (name: string): string => join(snaps, name);
    log('building @data');
    await buildData(join(fs.mnt, '@data'), shape);
    await snapshot(join(fs.mnt, '@data'), at('s1'));
    log('one day of changes');
    const changes = await applyDayOfChanges(join(fs.mnt, '@data'), shape);
    await snapshot(join(fs.mnt, '@data'), at('s2'));
    let tiny: { t1: string; t2: string } | null = null;
    if (opts.tinyFiles > 0) {
      log(`building @tiny (${opts.tinyFiles} files)`);
      await buildTiny(join(fs.mnt, '@tiny'), opts.tinyFiles);
      await snapshot(join(fs.mnt, '@tiny'), at('t1'));
      await changeTiny(join(fs.mnt, '@tiny'), opts.tinyFiles, opts.tinyChanges);
      await snapshot(join(fs.mnt, '@tiny'), at('t2'));
      tiny = { t1: at('t1'), t2: at('t2') };
    }
    let tinyLarge: { tl1: string; tl2: string } | null = null;
    let tinyLargeWriteSeconds: number | undefined;
    if (opts.tinyFilesLarge > 0) {
      log(`building @tinyL (${opts.tinyFilesLarge} files)`);
      const started = performance.now();
      await buildTiny(join(fs.mnt, '@tinyL'), opts.tinyFilesLarge);
      tinyLargeWriteSeconds = (performance.now() - started) / 1000;
      log(`wrote ${opts.tinyFilesLarge} files in ${tinyLargeWriteSeconds.toFixed(1)} s`);
      await snapshot(join(fs.mnt, '@tinyL'), at('tl1'));
      await changeTiny(join(fs.mnt, '@tinyL'), opts.tinyFilesLarge, opts.tinyChanges);
      await snapshot(join(fs.mnt, '@tinyL'), at('tl2'));
      tinyLarge = { tl1: at('tl1'), tl2: at('tl2') };
    }
    // The month: day 0 is @data as s2 left it, then one smaller day of changes per day.
    const month: World['month'] = { snapshots: [], scale: MONTH_DAY_SCALE, buildSeconds: 0 };
    if (opts.monthDays > 0) {
      log(`the month: ${opts.monthDays} days of changes (each ${MONTH_DAY_SCALE} of a full day)`);
      const started = performance.now();
      const day = (d: number): string => at(`m${String(d).padStart(2, '0')}`);
      await snapshot(join(fs.mnt, '@data'), day(0));
      month.snapshots.push(day(0));
      for (let d = 1; d <= opts.monthDays; d++) {
        await applyDayOfChanges(join(fs.mnt, '@data'), shape, d + 1, MONTH_DAY_SCALE);
        await snapshot(join(fs.mnt, '@data'), day(d));
        month.snapshots.push(day(d));
      }
      month.buildSeconds = (performance.now() - started) / 1000;
    }
    execFileSync('sync', ['-f', fs.mnt]);
    // Reading both snapshots once also warms the page cache, so no tool pays for the first read.
    const d1 = await treeDigest(at('s1'));
    const s2 = await treeDigest(at('s2'));
    const buildSeconds = (performance.now() - buildStart) / 1000;
    log(`dataset ready in ${buildSeconds.toFixed(0)} s: s1 ${d1.files} files ${(d1.bytes / 2 ** 20).toFixed(0)} MiB, s2 ${s2.files} files`);

    // panther runs as it ships: the bundle (`npm run build`), with bench/panther-child.ts as one more
    // entry; in a directory of its own inside the package (its chunks import from node_modules).
    log('bundling panther (scripts/bundle.ts) with the bench\'s panther-child as an entry');
    const bundle = await buildBundle(bundleDir, { entries: { 'panther-child': 'bench/panther-child.ts' } });
    useBundledChild(join(bundle.outdir, 'panther-child.js'));
    const world: World = { dir: fs.dir, mnt: fs.mnt, secrets: await makeSecrets(join(fs.dir, 'secrets')), snapshots: { s1: at('s1'), s2: at('s2'), t1: tiny?.t1 ?? null, t2: tiny?.t2 ?? null, tl1: tinyLarge?.tl1 ?? null, tl2: tinyLarge?.tl2 ?? null }, month, s2, bundle: bundle.entry };
    const measured = await runScenarios(world, opts, log);
    const notes: string[] = [];
    if (opts.tools.includes('borg') && (opts.monthDays > 0 || opts.tinyFilesLarge > 0)) notes.push('borg is left out of the month and the large tiny tree (run time); raw2 is left out of the large tiny tree.');
    if (loadBefore[0]! > cpus().length * 0.5) notes.push(`The machine was busy (load average ${loadBefore[0]!.toFixed(1)} on ${cpus().length} CPUs at the start): wall times are noisy; CPU seconds are the steadier comparison.`);
    let rss: BenchResults['rss'] = [];
    if (!opts.tools.includes('panther') || opts.rssSizesGb.length === 0) notes.push('RSS check against stream size skipped.');
    else {
      if (opts.rssSizesGb.length === 1) notes.push(`RSS flatness not checked: only a ${opts.rssSizesGb[0]} GB stream (pass --rss-sizes 2,8).`);
      rss = await rssCheck({ scratch: join(fs.dir, 'scratch', 'panther-rss'), secrets: world.secrets, viewDir: '', subvolume: '@stream' }, join(fs.dir, 'repos'), opts.rssSizesGb, log);
    }
    const remoteRss = !opts.tools.includes('panther') || opts.remoteRssGb === 0 ? undefined
      : await remoteRssCheck({ scratch: join(fs.dir, 'scratch', 'panther-rss-remote'), secrets: world.secrets, viewDir: '', subvolume: '@stream' }, join(fs.dir, 'repos'), opts.remoteRssGb, log);
    if (opts.keep) log(`kept: ${fs.dir} (btrfs at ${fs.mnt} on ${fs.device}); remove with: umount -R ${fs.mnt}; losetup -d ${fs.device}; rm -rf ${fs.dir}`);
    return {
      options: opts,
      machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), loadBefore, loadAfter: loadavg() },
      versions: {
        node: process.version, restic: version('restic', ['version']).split(' ')[1] ?? '?', borg: version('borg', ['--version']).split(' ')[1] ?? '?',
        zstd: version('zstd', ['--version']).match(/v[\d.]+/)?.[0] ?? '?', age: version('age', ['--version']), btrfs: version('btrfs', ['--version']).split(' ')[1] ?? '?',
      },
      dataset: { shape, changes, s1: { files: d1.files, bytes: d1.bytes }, s2: { files: s2.files, bytes: s2.bytes }, buildSeconds, ...(tinyLargeWriteSeconds === undefined ? {} : { tinyLargeWriteSeconds }) },
      ...measured, rss, ...(remoteRss === undefined ? {} : { remoteRss }), notes, totalSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    if (!opts.keep) {
      const problems = fs.release();
      if (problems.length > 0) log(`cleanup left: ${problems.join('; ')}`);
    }
  }
}

async function main(): Promise<number> {
  let opts: BenchOptions | 'help';
  try { opts = parseOptions(process.argv.slice(2)); } catch (error) { process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`); return 2; }
  if (opts === 'help') { process.stdout.write(`${USAGE}\n`); return 0; }
  try { preflight(opts); } catch (error) { process.stderr.write(`bench: ${(error as Error).message}\n`); return 1; }
  const results = await run(opts);
  process.stdout.write(opts.json ? `${JSON.stringify({ ...results, targets: evaluateTargets(results) }, null, 2)}\n` : `${renderReport(results)}\n`);
  return 0;
}

process.exitCode = await main();
