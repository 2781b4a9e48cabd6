// The main job on the embedded default: the spec's five hosts go through detect → plan → lint →
// render (every Nix file evaluated), then one plan is provisioned onto a throwaway loop-device
// btrfs and `doctor` checks it. Everything it creates is removed unless asked to keep it.
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachLoop, detachLoop } from '../btrfs/index.ts';
import { detectProfile } from '../facter/detect.ts';
import { readFacterReport } from '../facter/parse.ts';
import { inventoryEntry, readInventory } from '../plan/inventory.ts';
import { lintPlan, summarize } from '../plan/lint/index.ts';
import { planHost } from '../plan/plan-host.ts';
import { findProfile, loadProfiles } from '../plan/profiles.ts';
import type { StoragePlan } from '../plan/types.ts';
import { renderDisko } from '../render/disko.ts';
import { renderNixos } from '../render/nixos.ts';
import { findNixInstantiate, nixEvalJson } from '../render/verify/nix-instantiate.ts';
import { provision, runDoctor, targetPlan, unmountRoot } from '../provision/index.ts';
import type { DoctorReport } from '../provision/index.ts';
import { diffSnapshots } from '../snapshot/diff.ts';
import { createSnapshot, runTimeline, type EngineContext } from '../snapshot/engine.ts';
import { restoreFile } from '../snapshot/restore-file.ts';
import { locate } from '../snapshot/store.ts';
import { initRepo } from '../backup/open.ts';
import { restorePoint } from '../backup/restore.ts';
import { nightlyBackup } from '../backup/job.ts';
import type { BackupRunReport } from '../backup/run.ts';
import { formatBytes } from '../core/bytes.ts';
import { verifyTree } from '../drill/verify/verify-tree.ts';
import { runDrillProcess } from '../drill/process.ts';
import type { RepoLocation } from '../backup/open.ts';
import { offsiteTour } from './offsite.ts';
import { EXAMPLES_DIR } from './prerequisites.ts';
import { randomBytes } from 'node:crypto';

export const EXAMPLES = EXAMPLES_DIR;
export const HOSTS = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'] as const;

export interface HostSummary {
  host: string;
  detected: string | null;
  confidence: string | null;
  profile: string;
  pools: number;
  subvolumes: number;
  lint: Record<string, number>;
  rendered: string[];
  evaluated: boolean;
}

export interface DemoResult {
  workDir: string;
  hosts: HostSummary[];
  provisioned: { host: string; image: string; root: string; steps: number; doctor: Pick<DoctorReport, 'counts' | 'findings'>; kept: boolean } | null;
}

export interface DemoOptions {
  /** Leave the loop btrfs mounted and the work directory in place. */
  keep: boolean;
  /** Skip provisioning (no root, no loop devices). */
  planOnly: boolean;
  log: (line: string) => void;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'panther-demo-'));
  try {
    return await demoIn(workDir, opts);
  } finally {
    // Also after a failure: nothing of the demo stays behind unless --keep asked for it.
    if (!opts.keep) await rm(workDir, { recursive: true, force: true });
  }
}

async function demoIn(workDir: string, opts: DemoOptions): Promise<DemoResult> {
  const profiles = await loadProfiles();
  const inventoryFile = join(EXAMPLES, 'inventory.json');
  const inventory = await readInventory(inventoryFile);
  const canEval = findNixInstantiate() !== null;
  const hosts: HostSummary[] = [];
  const plans = new Map<string, StoragePlan>();
  for (const host of HOSTS) {
    const report = await readFacterReport(join(EXAMPLES, 'facter', `${host}.json`));
    const detection = detectProfile(report, profiles);
    const entry = inventoryEntry(inventory, host, inventoryFile);
    const plan = planHost({ host, profile: findProfile(profiles, entry.profile), profileSource: 'inventory', report, entry });
    plans.set(host, plan);
    const lint = summarize(lintPlan(plan));
    const dir = join(workDir, host);
    await mkdir(dir);
    const files = { 'disko.nix': renderDisko(plan), 'nixos.nix': renderNixos(plan), 'plan.json': `${JSON.stringify(plan, null, 2)}\n` };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    if (canEval) {
      await nixEvalJson(join(dir, 'disko.nix'));
      await nixEvalJson(join(dir, 'nixos.nix'), { args: { pkgs: '{ btrfs-progs = "/nix/store/demo-btrfs-progs"; }' } });
    }
    const subvolumes = plan.pools.reduce((n, p) => n + p.subvolumes.length, 0);
    opts.log(`${host.padEnd(9)} detected ${detection.profile ?? 'nothing (refused)'}${detection.confidence === null ? '' : ` (${detection.confidence})`}, ` +
      `pinned ${plan.profile}: ${plan.pools.length} pool(s), ${subvolumes} subvolumes; lint ${lint.error} errors, ${lint.warning} warnings; ` +
      `rendered disko.nix + nixos.nix${canEval ? ', both evaluate with nix-instantiate' : ' (nix-instantiate not installed: not evaluated)'}`);
    hosts.push({
      host, detected: detection.profile, confidence: detection.confidence, profile: plan.profile, pools: plan.pools.length,
      subvolumes, lint, rendered: Object.keys(files).map((f) => join(dir, f)), evaluated: canEval,
    });
  }
  const provisioned = opts.planOnly ? null : await provisionDemo(plans.get('hetzner')!, workDir, opts);
  return { workDir, hosts, provisioned };
}

/** Snapshots on the fresh layout: take one, change files, take another, diff, lose a file, get it back. */
async function snapshotTour(plan: StoragePlan, root: string, opts: DemoOptions): Promise<void> {
  const ctx: EngineContext = { plan, root, creator: 'demo', log: opts.log };
  const home = join(root, 'home', 'demo');
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'notes.txt'), 'the plan for today\n');
  await writeFile(join(home, 'todo.txt'), 'back up everything\n');
  const first = await createSnapshot(ctx, { subvolume: '@home', now: new Date().toISOString(), origin: 'manual', description: 'demo: before' });
  await writeFile(join(home, 'notes.txt'), 'the plan for today, revised\n');
  await rm(join(home, 'todo.txt'));
  await writeFile(join(home, 'new.txt'), 'something new\n');
  const second = await createSnapshot(ctx, { subvolume: '@home', now: new Date().toISOString(), origin: 'manual', description: 'demo: after' });
  const loc = locate(plan, root, '@home');
  const changes = await diffSnapshots(join(loc.dir, first.name), join(loc.dir, second.name));
  opts.log(`  snapshots ${first.name} and ${second.name}; diff (from btrfs send --no-data): ${changes.map((c) => `${c.kind} ${c.path}`).join(', ')}`);
  const restored = await restoreFile(ctx, first.name, 'demo/todo.txt', { overwriteNewer: false });
  const back = await readFile(join(home, 'todo.txt'), 'utf8');
  opts.log(`  restored ${restored.restored.join(', ')} from ${first.name}: "${back.trim()}"`);
  const run = await runTimeline(ctx, new Date().toISOString(), false);
  opts.log(`  snapshot run: ${run.created.map((c) => `${c.subvolume} (${c.tiers.join('/')})`).join(', ')}${run.created.some((c) => c.subvolume === '@postgresql') ? ' — database subvolumes through their hooks (fail-open: no server here, marked degraded where configured so)' : ''}; ${run.failed.length} failed`);
}

/** Back up into a local repository, change data, back up again, restore into a fresh subvolume, compare. */
async function backupTour(plan: StoragePlan, root: string, workDir: string, opts: DemoOptions): Promise<void> {
  const engine: EngineContext = { plan, root, creator: 'demo', log: () => {} };
  const secret = join(workDir, 'passphrase');
  await writeFile(secret, 'demo passphrase, use a real secret file\n', { mode: 0o600 });
  const loc = { url: join(workDir, 'repo'), host: plan.host, passphraseFile: secret };
  const repo = await initRepo({ ...loc, recipients: [] }, 15);
  opts.log(`backing up into a local repository at ${loc.url} (encrypted; key file opens with \`age -d\`)`);
  const day0 = new Date().toISOString();
  const { report: first } = await nightlyBackup({ engine, repo, now: day0, dryRun: false });
  opts.log(`  night 1: ${describeRun(first)}`);
  const home = join(root, 'home', 'demo');
  await writeFile(join(home, 'report.bin'), randomBytes(4 * 1024 * 1024));
  await writeFile(join(home, 'notes.txt'), 'changed on day two\n');
  const day1 = new Date(Date.parse(day0) + 86_400_000).toISOString();
  await runTimeline(engine, day1, false);
  const { report: second } = await nightlyBackup({ engine, repo, now: day1, dryRun: false });
  opts.log(`  night 2: ${describeRun(second)}`);
  const point = second.items.find((i) => i.subvolume === '@home')?.point;
  if (point === undefined) throw new Error('demo: no @home backup on night 2');
  const target = join(root, 'var', 'restore-test');
  await mkdir(target, { recursive: true });
  const restored = await restorePoint(repo, point, target, () => {});
  const source = join(locate(plan, root, '@home').dir, restored.snapshot);
  const verified = await verifyTree(source, restored.path, { sampleLimit: 5 });
  opts.log(`  restored ${restored.snapshot} (chain of ${restored.chain.length}) into ${restored.path}: ${verified.differences === 0 ? `identical to the snapshot (contents, modes, owners, xattrs, links, mtimes; ${verified.entries} entries)` : `DIFFERS in ${verified.differences} ways: ${verified.sample.join('; ')}`}`);
  const check = await repo.check({ readData: 100 });
  opts.log(`  backup check --read-data 100: ${check.ok ? 'ok' : 'ERRORS'} (${check.stats.manifests} points, ${check.stats.packs} packs, ${check.stats.chunks} chunks)`);
  if (verified.differences > 0 || !check.ok) throw new Error('demo: the restore or the check failed');
  await drillTour(plan, root, workDir, loc, opts);
  await offsiteTour(plan, engine, workDir, secret, opts.log);
}

/** The monthly restore drill, as its timer runs it: every backed-up subvolume into a private scratch btrfs. */
async function drillTour(plan: StoragePlan, root: string, workDir: string, location: RepoLocation, opts: DemoOptions): Promise<void> {
  const now = new Date().toISOString();
  const result = await runDrillProcess({
    level: 'restore', location, plan, root, scratchDir: join(workDir, 'drill-scratch'), budgetUsd: null, periodWeeks: 13,
    stateDir: join(workDir, 'state'), lastRestoredAt: {}, now,
  }, { level: 'restore', pid: process.pid, startTicks: null, since: now }, { quiet: true });
  const compared = result.subvolumes.filter((s) => s.verifiedAgainst === 'source-snapshot').length;
  const enc = result.validation?.encryption;
  const restored = result.subvolumes.filter((s) => s.point !== '');
  opts.log(`  drill restore: ${restored.length} subvolume(s) restored into a scratch btrfs only the drill could see, ${compared} compared with their snapshots` +
    `${enc == null ? '' : `; ${enc.markers} plaintext markers, ${enc.found} found in the repository`}; the scratch went with the drill (panther drill restore|integrity|disaster)`);
  // The drill also says what a real host would need to hear: the plan's database subvolumes hold no
  // database (no server runs in this demo, so the hooks found none and nothing was there to back up).
  const noDatabase = new Set(['drill-no-backup', 'drill-database-missing']);
  for (const s of result.subvolumes.filter((x) => !x.ok && noDatabase.has(x.error?.code ?? ''))) opts.log(`  drill finding (expected here: no database server runs in this demo): ${s.error!.message}`);
  const bad = restored.find((s) => !s.ok && !noDatabase.has(s.error?.code ?? ''));
  if (bad !== undefined || enc?.ok === false) throw new Error(`demo: the restore drill failed: ${bad?.error?.message ?? 'plaintext found in the repository'}`);
}

function describeRun(report: BackupRunReport): string {
  const sent = report.items.filter((i) => i.point !== undefined);
  const bytes = sent.reduce((n, i) => n + (i.progress?.bytesRead ?? 0), 0);
  const stored = sent.reduce((n, i) => n + (i.progress?.storedBytes ?? 0), 0);
  const kinds = sent.map((i) => `${i.subvolume} ${i.choice.kind}`).join(', ');
  return `${sent.length} point(s) (${kinds}); streams ${formatBytes(bytes)}, stored ${formatBytes(stored)}`;
}

async function provisionDemo(plan: StoragePlan, workDir: string, opts: DemoOptions): Promise<DemoResult['provisioned']> {
  const image = join(workDir, 'hetzner-sda.img');
  const root = join(workDir, 'root');
  const handle = await open(image, 'w');
  await handle.truncate(2 * 1024 ** 3);
  await handle.close();
  await mkdir(root);
  const device = await attachLoop(image);
  let kept = false;
  const release = async (): Promise<void> => {
    await unmountRoot(root).catch(() => undefined);
    await detachLoop(device).catch(() => undefined);
  };
  const onSignal = (): void => { void release().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    opts.log(`provisioning hetzner's plan onto ${device} (a 2 GiB sparse image; sizes scaled down) below ${root}`);
    const fitted = await targetPlan(plan, { primary: device }, { fitToDevice: true });
    const result = await provision(fitted, { root, yes: false, dryRun: false });
    opts.log(`  ${result.steps.length} steps: partition, mkfs, ${fitted.pools[0]!.subvolumes.length} subvolumes, no-CoW, compression, swapfile, ${result.mounted.length} mounts`);
    const report = await runDoctor({ root, plan: fitted, fstab: null, now: new Date() });
    const planFindings = report.findings.filter((f) => !f.id.startsWith('scrub'));
    opts.log(`  doctor: ${planFindings.length === 0 ? 'clean — the live layout matches the plan' : `${planFindings.length} finding(s): ${planFindings.map((f) => f.id).join(', ')}`}` +
      `${report.findings.length > planFindings.length ? ' (the new filesystem has never been scrubbed: a warning, as it should)' : ''}`);
    await snapshotTour(fitted, root, opts);
    await backupTour(fitted, root, workDir, opts);
    kept = opts.keep;
    if (kept) opts.log(`  kept mounted below ${root}; remove with: npx panther unmount --root ${root} && losetup -d ${device} && rm -r ${workDir}`);
    return { host: plan.host, image, root, steps: result.steps.length, doctor: { counts: report.counts, findings: report.findings }, kept };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!kept) await release();
  }
}
