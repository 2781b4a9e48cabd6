// Every input is read through its schema: each wrong value seen in the wild is a clear error naming the
// file and the path (exit 1, or 2 for usage), never "internal error" and never silently accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planIfPresent } from '../src/cli/repo-options.ts';
import { runCli, type CliResult } from './support/cli.ts';

const EXAMPLES = join(import.meta.dirname, '..', 'examples');
const INVENTORY = join(EXAMPLES, 'inventory.json');
const FACTER = (host: string) => join(EXAMPLES, 'facter', `${host}.json`);

let dir: string;
let validPlan: any;
let validInventory: any;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-input-errors-'));
  const out = join(dir, 'zephyrus-plan.json');
  const r = await runCli('plan', '--inventory', INVENTORY, '--host', 'zephyrus', '--facter', FACTER('zephyrus'), '--out', out);
  assert.equal(r.code, 0, r.stderr);
  validPlan = JSON.parse(await readFile(out, 'utf8'));
  validInventory = JSON.parse(await readFile(INVENTORY, 'utf8'));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

let n = 0;
async function file(name: string, value: unknown): Promise<string> {
  const path = join(dir, `${n++}-${name}`);
  // JSON.stringify writes Infinity as null; the marker puts a literal that JSON.parse reads as Infinity.
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value).replaceAll('"@@1e400@@"', '1e400'));
  return path;
}

function noCrash(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
}

/** A copy of the valid plan with `edit` applied, run through lint and render disko. */
async function badPlan(edit: (plan: any) => void, expected: RegExp): Promise<void> {
  const plan = structuredClone(validPlan);
  edit(plan);
  const path = await file('plan.json', plan);
  for (const argv of [['lint', '--plan', path], ['render', 'disko', '--plan', path], ['render', 'systemd', '--plan', path]]) {
    const r = await runCli(...argv);
    noCrash(r);
    assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`${path}: `), r.stderr);
    assert.match(r.stderr, expected);
    assert.equal(r.stdout, '');
  }
}

/** The zephyrus/yoga inventory entry with `edit` applied, run through plan. */
async function badInventory(host: string, edit: (entry: any, inventory: any) => void, expected: RegExp, code = 1): Promise<CliResult> {
  const inventory = structuredClone(validInventory);
  edit(inventory.hosts[host], inventory);
  const path = await file('inventory.json', inventory);
  const r = await runCli('plan', '--inventory', path, '--host', host, '--facter', FACTER(host), '--json');
  noCrash(r);
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, expected);
  assert.equal(r.stdout.includes('"version"'), false, 'no plan is printed');
  return r;
}

const home = (plan: any) => plan.pools[0].subvolumes.find((s: any) => s.name === '@home');

test('plan file: boot "uefi" is refused (it laid out a disk without a boot partition and crashed render)', async () => {
  await badPlan((p) => { p.pools[0].boot = 'uefi'; }, /pools\.primary\.boot: expected "esp", "bios", "hybrid" or "none" .*got "uefi"; write "esp"/);
});

test('plan file: cow "no" is refused, not treated as CoW', async () => {
  await badPlan((p) => { p.pools[0].subvolumes[3].cow = 'no'; }, /pools\.primary\.subvolumes\[3\]\.cow: expected true or false, got "no"/);
});

test('plan file: compression "lzma" never reaches disko', async () => {
  await badPlan((p) => { home(p).compression = 'lzma'; }, /pools\.primary\.subvolumes\[1\]\.compression: expected "zstd", "lzo", "zlib" or "none".*got "lzma"/);
});

test('plan file: a 25:00-99:00 window, negative bandwidth and budget, and Mars/Olympus are refused', async () => {
  await badPlan((p) => { p.backup.window.weekdays = '25:00-99:00'; }, /backup\.window\.weekdays: "25:00-99:00" is not a window "HH:MM-HH:MM"/);
  await badPlan((p) => { p.backup.window.weekends = '02:00-02:00'; }, /backup\.window\.weekends: window 02:00-02:00 is empty/);
  await badPlan((p) => { p.backup.bandwidthBitsPerSecond = -10_000_000; }, /backup\.bandwidthBitsPerSecond: expected bits per second ≥ 0 \(0 = no cap\), got -10000000/);
  await badPlan((p) => { p.backup.monthlyBudgetUsd = -3; }, /backup\.monthlyBudgetUsd: expected US dollars ≥ 0, got -3/);
  await badPlan((p) => { p.snapshots.timezone = 'Mars/Olympus'; }, /snapshots\.timezone: "Mars\/Olympus" is not a time zone this system knows/);
  await badPlan((p) => { p.snapshots.timezone = 'europe/berlin'; }, /snapshots\.timezone: time zone names are case-sensitive .*write "Europe\/Berlin"/);
});

test('plan file: an unknown backup frequency is refused (it was never backed up, every run exiting 0)', async () => {
  await badPlan((p) => { home(p).backup = 'hourly'; },
    /subvolumes\[1\]\.backup: "hourly" is not a backup frequency; expected "daily", "weekly", "monthly" or "never".*use "daily" and let the hourly\/frequent snapshot tiers cover the RPO/);
  await badPlan((p) => { home(p).backup = 'Daily'; }, /subvolumes\[1\]\.backup: "Daily" is not a backup frequency.*write "daily"/);
});

test('plan file: shapes that ended in "internal error" name the bad path', async () => {
  await badPlan((p) => { p.pools = {}; }, /: pools: expected a list, got an object/);
  await badPlan((p) => { p.pools = []; }, /: pools: expected at least one pool/);
  await badPlan((p) => { delete p.backup.window; }, /: backup\.window: missing; expected an object/);
  await badPlan((p) => { home(p).mountOptions = [null]; }, /subvolumes\[1\]\.mountOptions\[0\]: expected a mount option, got null/);
  await badPlan((p) => { p.snapshots.schedule.daily = 5; }, /snapshots\.schedule\.daily: expected a systemd OnCalendar expression, got 5/);
  await badPlan((p) => { home(p).name = '@ho\u0000me'; }, /subvolumes\[1\]\.name: "@ho\\u0000me" contains a control character/);
  await badPlan((p) => { p.host = 'zeph\u0000yrus'; }, /: host: "zeph\\u0000yrus" contains a control character/);
  await badPlan((p) => { p.pools[0].subvolumes = null; }, /pools\.primary\.subvolumes: expected a list, got null/);
  await badPlan((p) => { p.pools[0].subvolumes[0] = 'x'; }, /pools\.primary\.subvolumes\[0\]: expected an object, got "x"/);
  await badPlan((p) => { p.pools[0].deviceSizeBytes = '@@1e400@@'; }, /pools\.primary\.deviceSizeBytes: expected bytes ≥ 0, got Infinity/);
  await badPlan((p) => { home(p).snapshots.daily = -1; }, /subvolumes\[1\]\.snapshots\.daily: expected a count ≥ 0, got -1/);
  await badPlan((p) => { home(p).hooks = [{ type: 'mysql', failMode: 'closed', timeoutSeconds: 5 }]; }, /subvolumes\[1\]\.hooks\[0\].*"postgres", "redis", "podman" or "command"/);
  await badPlan((p) => { p.acknowledged = { ['__proto__']: 'x' }; }, /acknowledged\["__proto__"\]: key "__proto__" is a reserved word/);
  await badPlan((p) => { home(p).compresion = 'lzo'; }, /subvolumes\[1\]: unknown key\(s\) "compresion"; known keys: name, mountPoint/);
  await badPlan((p) => { p.version = 2; }, /: version: expected 1 \(the only plan format\), got 2/);
  // Every problem is listed, not only the first.
  await badPlan((p) => { p.pools[0].boot = 'uefi'; p.backup.monthlyBudgetUsd = -1; }, /not a storage plan \(2 problems\):\n\s+pools\.primary\.boot: .*\n\s+backup\.monthlyBudgetUsd: /);
});

test('plan file: not JSON, or not an object, is an error naming the file', async () => {
  for (const text of ['{', 'null', '[]', '"plan"', '{"__proto__": {"version": 1}}']) {
    const path = await file('plan.json', text);
    const r = await runCli('lint', '--plan', path);
    noCrash(r);
    assert.equal(r.code, 1, text);
    assert.ok(r.stderr.includes(path), r.stderr);
  }
});

test('inventory: wrong override values are refused, naming host and subvolume', async () => {
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@home': { cow: 'no' } } }; },
    /hosts\.yoga\.overrides\.subvolumes\["@home"\]\.cow: expected true or false, got "no"/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@home': { compression: 'lzma' } } }; },
    /hosts\.yoga\.overrides\.subvolumes\["@home"\]\.compression: expected "zstd", "lzo", "zlib" or "none".*got "lzma"/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@home': { backup: 'hourly' } } }; },
    /overrides\.subvolumes\["@home"\]\.backup: "hourly" is not a backup frequency.*use "daily"/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@home': { backup: 'Daily' } } }; },
    /overrides\.subvolumes\["@home"\]\.backup: "Daily" is not a backup frequency.*write "daily"/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@home': { mountOptions: [null] } } }; },
    /overrides\.subvolumes\["@home"\]\.mountOptions\[0\]: expected a mount option, got null/);
});

test('inventory: an override for a subvolume that does not exist names it and lists the real ones', async () => {
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@hom': { backup: 'daily' } } }; },
    /hosts\.yoga\.overrides\.subvolumes\["@hom"\]: no subvolume "@hom" in profile light-laptop; subvolumes: @, @home, @nix, @containers, @backups, @snapshots/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { '@postgresql': { backup: 'daily' } } }; },
    /overrides\.subvolumes\["@postgresql"\]: subvolume "@postgresql" is planned only with feature "databases"/);
  await badInventory('yoga', (e) => { e.features = ['database']; }, /hosts\.yoga\.features\[0\]: profile light-laptop has no feature "database"; its features: databases/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: { constructor: { cow: false } } }; },
    /overrides\.subvolumes\["constructor"\]: key "constructor" is a reserved word/);
});

test('inventory: backup window, bandwidth, budget and time zone are checked', async () => {
  await badInventory('yoga', (e) => { e.overrides = { backup: { window: { weekdays: '25:00-99:00' }, bandwidthBitsPerSecond: -1, monthlyBudgetUsd: -3 } }; },
    /not an inventory \(3 problems\):\n\s+hosts\.yoga\.overrides\.backup\.window\.weekdays: "25:00-99:00" is not a window[^\n]*\n\s+hosts\.yoga\.overrides\.backup\.bandwidthBitsPerSecond: expected bits per second ≥ 0 \(0 = no cap\), got -1\n\s+hosts\.yoga\.overrides\.backup\.monthlyBudgetUsd: expected US dollars ≥ 0, got -3/);
  await badInventory('yoga', (e) => { e.timezone = 'Mars/Olympus'; }, /hosts\.yoga\.timezone: "Mars\/Olympus" is not a time zone this system knows/);
});

test('inventory: two expected disks never match a report that has one', async () => {
  await badInventory('yoga', (e) => { e.disks = [{ device: '/dev/nvme0n1' }, { sizeGB: 1000 }]; },
    /disks\[1\]: the report's only match is \/dev\/nvme0n1, already matched by disks\[0\]; the report has 1 disk\(s\)/);
  await badInventory('yoga', (e) => { e.disks = [{ device: '/dev/nvme0n1' }, { device: '/dev/nvme0n1' }]; },
    /disks\[1\] \(\/dev\/nvme0n1\): the report's only match is \/dev\/nvme0n1, already matched by disks\[0\]/);
  await badInventory('zephyrus', (e) => { e.disks[1].pool = 'tertiary'; }, /hosts\.zephyrus\.disks\[1\]\.pool: profile dev-laptop has no pool "tertiary"; pools: primary, secondary/);
  await badInventory('yoga', (e) => { e.disks = [{ transport: 'nvme' }]; }, /hosts\.yoga\.disks\[0\]: give "device" or "sizeGB"/);
});

test('inventory: shapes that ended in "internal error" name the bad path', async () => {
  await badInventory('yoga', (_e, inv) => { inv.hosts = []; }, /: hosts: expected an object, got an empty list/);
  await badInventory('yoga', (e) => { e.disks = { device: '/dev/nvme0n1' }; }, /hosts\.yoga\.disks: expected a list, got an object/);
  await badInventory('yoga', (e) => { e.overrides = { subvolumes: [] }; }, /hosts\.yoga\.overrides\.subvolumes: expected an object, got an empty list/);
  await badInventory('yoga', (e) => { e.overrides = { filesystemOptions: ['compress=zstd', 7] }; }, /hosts\.yoga\.overrides\.filesystemOptions\[1\]: expected a mount option, got 7/);
  await badInventory('yoga', (e) => { e.profile = 'light\u0000laptop'; }, /hosts\.yoga\.profile: "light\\u0000laptop" contains a control character/);
  await badInventory('yoga', (e) => { e.user = 'Root User'; }, /hosts\.yoga\.user: "Root User" is not a Unix user name/);
  await badInventory('yoga', (e) => { e.overrides = { swapSize: 'lots' }; }, /hosts\.yoga\.overrides\.swapSize: "lots" is not a size/);
});

test('--host constructor (or any name not in the inventory) is "no host", not Object.prototype', async () => {
  for (const host of ['constructor', 'hasownproperty', 'tostring']) {
    const r = await runCli('plan', '--inventory', INVENTORY, '--host', host, '--facter', FACTER('yoga'));
    noCrash(r);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`no host "${host}"\\n\\s+hint: hosts in the inventory: zephyrus, yoga, hetzner, contabo, ovh`));
  }
  for (const host of ['__proto__', 'a b', 'x\u0000y', '']) {
    const r = await runCli('plan', '--inventory', INVENTORY, '--host', host, '--facter', FACTER('yoga'));
    noCrash(r);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /host names are lower-case letters, digits and dashes/);
  }
});

test('--profiles FILE: wrong values name the profile and the path', async () => {
  const run = async (profiles: unknown, expected: RegExp) => {
    const path = await file('profiles.json', { profiles });
    const r = await runCli('plan', '--profiles', path, '--facter', FACTER('yoga'), '--profile', 'light-laptop');
    noCrash(r);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(path), r.stderr);
    assert.match(r.stderr, expected);
  };
  await run([{ id: 'mine', extends: 'light-laptop', backup: { window: { weekdays: '02:00-05:00', weekends: '02:00-06:00' }, staggerMinutes: 0, bandwidthBitsPerSecond: -1, monthlyBudgetUsd: 1 } }],
    /profiles\[0\]\.backup\.bandwidthBitsPerSecond: expected bits per second ≥ 0/);
  await run([{ id: 'mine', extends: 'light-laptop', frequent: { everyMinutes: 60, keep: 24, subvolumes: ['@hom'] } }],
    /profiles\[0\] \(mine, extends light-laptop\): frequent\.subvolumes\[0\]: no subvolume "@hom" in this profile/);
  await run([{ id: 'mine', extends: 'light-laptop', frequent: { everyMinutes: 7, keep: 24, subvolumes: ['@home'] } }],
    /profiles\[0\]\.frequent\.everyMinutes: every 7 minutes cannot be a calendar/);
  await run([{ id: 'mine' }], /profiles\[0\] \(mine\): machine: missing/);
  await run([{ id: 'mine', extends: 'light-laptop', pools: [{ name: 'primary', disk: 0, subvolumes: [{ name: '@', mountPoint: '/', workload: 'system', backup: 'hourly' }] }] }],
    /profiles\[0\]\.pools\.primary\.subvolumes\[0\]\.backup: "hourly" is not a backup frequency/);
  await run([{ id: 'mine', extends: 'light-laptop', pools: [{ name: 'primary', disk: 0, subvolumes: [{ name: '@', mountPoint: '/', workload: 'system', compression: 'lzma' }] }] }],
    /subvolumes\[0\]\.compression: expected "zstd", "lzo", "zlib" or "none".*got "lzma"/);
  await run([{ id: 'mine', extends: 'nope' }], /profiles\[0\]\.extends: profile mine extends unknown profile "nope"/);
});

test('the default plan is optional only when it is missing: an invalid one is an error, not ignored', async () => {
  assert.equal(await planIfPresent(join(dir, 'no-such-plan.json')), null);
  const broken = await file('plan.json', { ...validPlan, backup: { ...validPlan.backup, monthlyBudgetUsd: -1 } });
  await assert.rejects(planIfPresent(broken), { code: 'plan-invalid', message: /backup\.monthlyBudgetUsd: expected US dollars ≥ 0, got -1/ });
});

/** A state directory holding one file for host hetzner, and a plan of hetzner. */
async function stateDir(name: string, value: unknown): Promise<{ state: string; plan: string }> {
  const state = join(dir, `state-${n++}`);
  await mkdir(state);
  await writeFile(join(state, name), JSON.stringify(value));
  const plan = join(dir, `hetzner-plan-${n++}.json`);
  const r = await runCli('plan', '--inventory', INVENTORY, '--host', 'hetzner', '--facter', FACTER('hetzner'), '--out', plan);
  assert.equal(r.code, 0, r.stderr);
  return { state, plan };
}

test('backup state file: damaged values name the path (they crashed backup status)', async () => {
  const valid = {
    format: 'panther-backup-state', version: 1, host: 'hetzner', updated: '2027-01-01T04:00:00Z',
    lastRun: { startedAt: '2027-01-01T02:00:00Z', finishedAt: '2027-01-01T04:00:00Z', outcome: 'window-closed', message: 'closed', window: null, storedBytes: 800, bandwidth: { capBitsPerSecond: 1e7, bytes: 10, elapsedMs: 1000, bitsPerSecond: 80, objects: 3 } },
    subvolumes: {
      '@home': { lastRun: { at: '2027-01-01T02:10:00Z', outcome: 'complete', snapshot: '@home.x', reason: 'due', storedBytes: 800, streamBytes: 1000 }, lastComplete: null, points: 1, inProgress: null },
      '@postgresql': { lastRun: null, lastComplete: null, points: null, inProgress: { snapshot: '@postgresql.x', kind: 'full', since: '2027-01-01T02:00:00Z', attempts: 1, storedBytes: 800, streamBytesReached: 1000, estimate: { totalBytes: 5000, source: 'in-progress', label: 'x' } } },
    },
  };
  const status = async (state: unknown) => {
    const { state: d, plan } = await stateDir('backup-hetzner.json', state);
    return runCli('backup', 'status', '--plan', plan, '--state-dir', d, '--now', '2027-01-02T12:00:00Z');
  };
  const ok = await status(valid);
  assert.equal(ok.code, 0, ok.stderr);
  const cases: Array<[(s: any) => void, RegExp]> = [
    [(s) => { s.subvolumes['@home'] = 0.5; }, /subvolumes\["@home"\]: expected an object, got 0\.5/],
    [(s) => { delete s.subvolumes['@postgresql'].inProgress; }, /subvolumes\["@postgresql"\]\.inProgress: missing; expected an object/],
    [(s) => { s.subvolumes['@postgresql'].inProgress.estimate = true; }, /inProgress\.estimate: expected an object, got true/],
    [(s) => { s.lastRun.bandwidth.bitsPerSecond = true; }, /lastRun\.bandwidth\.bitsPerSecond: expected bits per second ≥ 0, got true/],
    [(s) => { delete s.lastRun; }, /lastRun: missing; expected an object/],
  ];
  for (const [edit, expected] of cases) {
    const state = structuredClone(valid);
    edit(state);
    const r = await status(state);
    noCrash(r);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /backup-hetzner\.json: /);
    assert.match(r.stderr, expected);
  }
});

test('cost ledger file: damaged values name the path (they crashed panther cost)', async () => {
  const day = { calls: { put: 10, list: 2 }, bytesUp: 1e9, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0 };
  const valid = {
    version: 1, host: 'hetzner', days: { '2027-01-01': day }, months: { '2027-01': { ...day, runs: 1 } },
    runs: [{ kind: 'backup', started: '2027-01-01T02:00:00Z', finished: '2027-01-01T03:00:00Z', storedBytes: 5e9, storedObjects: 100, hiddenBytes: 0, bytesUp: 1e9, bytesDown: 0, calls: { put: 10 } }],
  };
  const cost = async (ledger: unknown) => {
    const { state, plan } = await stateDir('cost-hetzner.json', ledger);
    return runCli('cost', '--plan', plan, '--state-dir', state, '--now', '2027-01-02T12:00:00Z');
  };
  const ok = await cost(valid);
  assert.equal(ok.code, 0, ok.stderr);
  const cases: Array<[(l: any) => void, RegExp]> = [
    [(l) => { l.days['2027-01-01'] = {}; }, /days\["2027-01-01"\]\.calls: missing; expected an object/],
    [(l) => { l.days['2027-01-01'].calls.put = -3; }, /days\["2027-01-01"\]\.calls\.put: expected a count ≥ 0, got -3/],
    [(l) => { l.runs[0].finished = 'yesterday'; }, /runs\[0\]\.finished: "yesterday" is not an ISO time/],
    [(l) => { l.months = []; }, /months: expected an object, got an empty list/],
  ];
  for (const [edit, expected] of cases) {
    const ledger = structuredClone(valid);
    edit(ledger);
    const r = await cost(ledger);
    noCrash(r);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cost-hetzner\.json: /);
    assert.match(r.stderr, expected);
  }
});

test('a valid plan read through the schema is unchanged: render json reproduces plan --out for all five hosts', async () => {
  for (const host of ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh']) {
    const out = join(dir, `${host}-roundtrip.json`);
    const planned = await runCli('plan', '--inventory', INVENTORY, '--host', host, '--facter', FACTER(host), '--out', out, '--json');
    assert.equal(planned.code, 0, planned.stderr);
    const text = await readFile(out, 'utf8');
    const rendered = await runCli('render', 'json', '--plan', out);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.equal(rendered.stdout.trim(), text.trim(), host);
    assert.deepEqual(JSON.parse(planned.stdout), JSON.parse(text), host);
  }
});
