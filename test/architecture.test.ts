// The map, enforced: which folder of src/ may import which (docs/ARCHITECTURE.md draws the same arrows).
// Every folder that holds source files has a row, so a new folder fails here until someone places it.
// Checked: static `import … from`, `export … from`, `import()` of a string literal (a computed one is refused),
// and `import('…').T` types. Type-only imports follow the same table: a type is a concept, and knowing another
// layer's concepts is the coupling the map is about; `types` lists the few folders a row may take types but no
// values from (a part naming its whole's records). No src/ file imports test/ or a node_modules/ path, and only
// folders whose row says `spawns` import node:child_process. Tests (`*.test.ts`) are not checked: they may reach
// anything, test/support included. How to read a failure: the message names the row to add or change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { checkImports, scanSources, type Exception, type Row } from './support/import-map.ts';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** facter → plan → render/provision/snapshot → backup → repo → repo/backend; core under all; cli over all. */
const REPO_PARTS = ['repo/backend', 'repo/check', 'repo/chunker', 'repo/crypto', 'repo/index', 'repo/keyfile', 'repo/lock', 'repo/manifest', 'repo/pack', 'repo/prune', 'repo/restore', 'repo/writer'];

const ALLOWED: Record<string, Row> = {
  core: { may: [], why: 'shared words only: errors, sizes, atomic writes, schema reporting' },
  facter: { may: ['core'] },
  plan: { may: ['core', 'facter'] },
  'plan/lint': { may: ['core', 'plan'] },
  render: { may: ['core', 'plan', 'metrics'], why: 'datadog-agent.ts renders the agent checks metrics/datadog-agent.ts defines' },
  'render/verify': { may: ['core', 'plan', 'render'], spawns: true, why: 'checks rendered text with nix-instantiate and systemd-analyze' },
  btrfs: { may: ['core'], spawns: true, why: 'the only code that runs btrfs, mkfs, mount, flock' },
  locks: { may: ['core', 'btrfs'], why: 'the host-wide run lock (a flock(2) through btrfs/flock.ts), shared by snapshot and backup runs' },
  provision: { may: ['core', 'plan', 'plan/lint', 'btrfs', 'provision/doctor'] },
  'provision/doctor': { may: ['core', 'plan', 'plan/lint', 'btrfs', 'provision'] },
  snapshot: { may: ['core', 'plan', 'btrfs', 'snapshot/hooks', 'snapshot/retention'] },
  'snapshot/hooks': { may: ['core', 'plan'], types: ['snapshot'], spawns: true, why: 'database hooks (PostgreSQL, Redis, Podman) and argv commands' },
  'snapshot/retention': { may: ['core', 'plan'], types: ['snapshot'], why: 'pure: decides over snapshot records it does not create' },
  backup: { may: ['core', 'plan', 'btrfs', 'snapshot', 'snapshot/retention', 'repo', 'repo/lock', 'cost'], why: 'the nightly job records the cost ledger (issue 11); never the keys or a raw backend' },
  repo: { may: ['core', ...REPO_PARTS], why: 'repository.ts composes its parts; index.ts is the surface others import' },
  'repo/backend': { may: ['core'], why: 'stores named objects; knows nothing of packs, keys or the rest of repo/' },
  'repo/check': { may: ['core', 'repo', 'repo/index', 'repo/keyfile', 'repo/manifest', 'repo/pack'] },
  'repo/chunker': { may: ['core'], types: ['repo'] },
  'repo/crypto': { may: ['core'] },
  'repo/index': { may: ['core', 'repo', 'repo/crypto', 'repo/pack'] },
  'repo/keyfile': { may: ['core', 'repo', 'repo/crypto', 'repo/pack'] },
  'repo/doctor': { may: ['core', 'repo', 'repo/backend'], why: 'doctor remote: what a host key can do in its bucket, through the backend stack' },
  'repo/lock': { may: ['core', 'repo', 'repo/backend'], why: 'lease objects live directly on the backend (FORMAT.md §6)' },
  'repo/lock/testing': { may: ['core', 'repo', 'repo/lock', 'repo/backend'], why: 'a laggy backend and a fake clock for the lock tests' },
  'repo/manifest': { may: ['core', 'repo', 'repo/crypto'] },
  'repo/pack': { may: ['core', 'repo', 'repo/crypto'] },
  'repo/prune': { may: ['core', 'repo', 'repo/index', 'repo/manifest', 'repo/pack'] },
  'repo/restore': { may: ['core', 'repo', 'repo/index', 'repo/manifest', 'repo/pack'] },
  'repo/writer': { may: ['core', 'repo', 'repo/chunker', 'repo/crypto', 'repo/index', 'repo/manifest', 'repo/pack'] },
  'repo/testing': { may: ['core', 'repo', 'repo/backend', 'repo/writer'], why: 'test data and repositories for the tests of repo/' },
  'repo/format': { may: ['core', 'repo', 'repo/backend', 'repo/chunker', 'repo/crypto', 'repo/pack', 'repo/testing'], why: 'generates the FORMAT.md fixtures from the real code' },
  history: { may: ['core'], why: 'the time series the dashboard plots, in node:sqlite; written by runs (metrics/recorder.ts) and the collector' },
  metrics: { may: ['core', 'btrfs', 'history'], types: ['snapshot', 'backup', 'drill'], why: 'the metric catalog, the DogStatsD client and the persisted counters; runs report events through the CLI, which maps their reports (types only)' },
  alerting: { may: ['core', 'plan', 'metrics'], why: 'pure: plans and the metric catalog in, alert rules, routes, monitors and dashboards out' },
  'metrics/collect': { may: ['core', 'plan', 'btrfs', 'snapshot', 'snapshot/retention', 'backup', 'cost', 'metrics', 'drill'], why: 'the collector: reads the snapshot catalog, backup state, cost ledger, drill state and btrfs figures into gauges and serves /metrics; never writes state' },
  drill: { may: ['core', 'plan', 'btrfs', 'snapshot', 'backup', 'repo', 'repo/backend', 'cost', 'drill/databases', 'drill/verify'], spawns: true, why: 'restore drills: restores through backup/, reads snapshots and prices; spawns itself into a private mount namespace (namespace.ts)' },
  cost: { may: ['core', 'plan', 'snapshot/retention', 'repo', 'repo/backend'], why: 'reads results: metered operation classes and day usage (repo/backend/metered.ts), host names (repo/names.ts)' },
  demo: { may: ['core', 'facter', 'plan', 'plan/lint', 'render', 'render/verify', 'btrfs', 'provision', 'provision/doctor', 'snapshot', 'snapshot/retention', 'backup', 'repo', 'repo/backend', 'cost', 'drill', 'drill/verify'], why: 'the five hosts end to end: uses every stage, as the CLI does' },
  'drill/verify': { may: ['core'], spawns: true, why: 'compares a restored tree with its source; reads xattrs with one getfattr per tree (Node has no xattr API)' },
  'drill/databases': { may: ['core', 'snapshot/hooks'], types: ['drill'], spawns: true, why: 'starts PostgreSQL and Redis on a restored scratch copy (as the data\'s owner, through setpriv); reuses the RESP client and INFO parser of snapshot/hooks' },
  serve: { may: ['core', 'plan', 'provision', 'locks', 'snapshot', 'backup', 'drill', 'cost', 'metrics', 'metrics/collect', 'history'], why: 'panther serve: the status API reads the host\'s state and changes snapshots through the engine, under the host lock; doctor\'s findings from provision; never the repository' },
  cli: { may: ['*'] },
  'cli/commands': { may: ['*'] },
  'cli/output': { may: ['*'] },
};

/** File-level departures from a row, each with its reason (listed in docs/ARCHITECTURE.md too). */
const EXCEPTIONS: Exception[] = [
  { file: 'backup/open.ts', imports: 'repo/backend', why: 'builds the backend stack from the URL; issue 11 item 1 moves it to repo/backend/open.ts' },
  { file: 'backup/hosts.ts', imports: 'repo/backend', why: 'lists an S3 bucket\'s host prefixes; moves with the backend stack (issue 11 item 1)' },
  { file: 'backup/job.ts', imports: 'repo/backend', why: 'reads the metering layer\'s counts for the cost ledger (types and measureStored); moves behind the backend stack (issue 11 item 1)' },
  { file: 'repo/writer/measure-throughput.ts', imports: 'repo/backend', why: 'a measuring script, not part of the writer: runs it on a local backend' },
  { file: 'repo/writer/measure-throughput.ts', imports: 'repo/testing', why: 'a measuring script: its input is the test data generator' },
  { file: 'demo/local-s3.ts', imports: '../../node_modules/fauxqs/dist/s3/s3Store.js', why: 'fauxqs exports only its root; the dev-only S3 server needs its store (pinned by package-lock)' },
  { file: 'demo/local-s3.ts', imports: '../../node_modules/fauxqs/dist/s3/fileS3Persistence.js', why: 'as above: the store\'s file persistence, so the server listens on loopback only' },
];

test('every import follows the allowed-imports table, and every folder has a row', () => {
  const { sources, folders } = scanSources(SRC);
  assert.ok(sources.length > 100, `scanned only ${sources.length} files under ${SRC}`);
  const problems = checkImports(sources, folders, ALLOWED, EXCEPTIONS);
  assert.deepEqual(problems, [], `\n${problems.join('\n\n')}\n`);
});
