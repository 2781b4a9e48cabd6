// The web UI in a real browser (Debian's chromium driven by playwright-core) against `panther serve`
// on yoga's layout provisioned on loop btrfs: sign in, list the snapshots of @home, compare two and
// restore the file the newer one lost (then find it on disk), pin one, take one, see the dashboard's
// plots drawn from the history, and the fleet page with one host down. No console error and no CSP
// violation on any page. Screenshots go to a temporary folder, or to docs/screenshots/ with
// PANTHER_UPDATE_SCREENSHOTS=1 (how the README's pictures are made).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { writeAgeIdentity } from '../support/trees.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepo } from '../../src/backup/open.ts';
import { History, historyPath, type Sample } from '../../src/history/store.ts';
import { cachedDoctor } from '../../src/serve/doctor.ts';
import { startServe, type RunningServer } from '../../src/serve/server.ts';
import type { ServeContext } from '../../src/serve/route.ts';
import { fleetPoller, type FleetPoller } from '../../src/serve/fleet-poll.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'chromium'] });
const READ = 'r'.repeat(20) + '-read-token';
const ADMIN = 'a'.repeat(20) + '-admin-token';
const SHOTS = process.env['PANTHER_UPDATE_SCREENSHOTS'] === '1' ? resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;
const DAY = 86_400_000;

/** A month of what the runs and the collector write, ending now, so every plot has something to draw. */
function historySamples(nowMs: number): Sample[] {
  const out: Sample[] = [];
  const at = (ms: number): string => new Date(ms).toISOString();
  for (let d = 29; d >= 0; d--) {
    const night = nowMs - d * DAY - 2 * 3600_000;
    for (let h = 0; h < 24; h += 3) {
      const t = nowMs - d * DAY - h * 3600_000;
      out.push({ name: 'pantheros.disk.usage', tags: { host: 'yoga', device: '/dev/nvme0n1p2' }, value: 31 + (29 - d) * 0.4 + (h % 2), time: at(t) });
      out.push({ name: 'pantheros.snapshot.count', tags: { host: 'yoga', type: 'timeline' }, value: 20 + ((29 - d) % 5), time: at(t) });
      out.push({ name: 'pantheros.snapshot.count', tags: { host: 'yoga', type: 'manual' }, value: 2, time: at(t) });
      out.push({ name: 'pantheros.snapshot.size', tags: { host: 'yoga', subvol: '@home' }, value: (400 + (29 - d) * 12) * 2 ** 20, time: at(t) });
    }
    out.push({ name: 'pantheros.backup.size', tags: { host: 'yoga', target: 'b2' }, value: (80 + (d % 7) * 15) * 2 ** 20, time: at(night) });
    out.push({ name: 'pantheros.backup.duration', tags: { host: 'yoga' }, value: 600 + (d % 5) * 120, time: at(night) });
    out.push({ name: 'pantheros.backup.b2.cost', tags: { host: 'yoga' }, value: 1.2 + (29 - d) * 0.02, time: at(night) });
    if (d === 12) out.push({ name: 'pantheros.backup.failed', tags: { host: 'yoga' }, value: 1, time: at(night) });
    if (d === 4) out.push({ name: 'pantheros.snapshot.hook_failed', tags: { host: 'yoga', subvol: '@home', hook: 'postgresql' }, value: 1, time: at(night) });
  }
  return out;
}

describe('the web UI in chromium', { skip, timeout: 10 * 60_000 }, () => {
  let p: Provisioned;
  let server: RunningServer;
  /** A second API in the fleet ("hetzner"): stopped halfway through the fleet test. */
  let peer: RunningServer | undefined;
  let browser: Browser;
  let shots: string;
  let data: string;
  let s1 = '';
  let s2 = '';
  const problems: string[] = [];

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    shots = SHOTS ?? join(p.loops.dir, 'screenshots');
    await mkdir(shots, { recursive: true });
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const repo = join(p.loops.dir, 'repo');
    const lock = join(p.loops.dir, 'host.lock');
    const stateDir = join(p.loops.dir, 'state');
    await initRepo({ url: repo, host: p.plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    data = join(p.root, 'home', 'alice');
    await mkdir(join(data, 'notes'), { recursive: true });
    await writeFile(join(data, 'notes', 'thesis.md'), '# Chapter 1\nthe only copy\n');
    await writeFile(join(data, 'todo.txt'), 'buy milk\n');
    const snap = ['--plan', planFile, '--root', p.root, '--lock', lock];
    const nowMs = Date.now();
    const a = await runCli('snapshot', 'create', '@home', ...snap, '--now', new Date(nowMs - 2 * 3600_000).toISOString(), '--json', '--description', 'before the clean-up');
    assert.equal(a.code, 0, a.stderr);
    s1 = a.json().name;
    await rm(join(data, 'notes', 'thesis.md'));
    await writeFile(join(data, 'todo.txt'), 'buy milk\ncall the bank\n');
    const b = await runCli('snapshot', 'create', '@home', ...snap, '--now', new Date(nowMs - 3600_000).toISOString(), '--json');
    assert.equal(b.code, 0, b.stderr);
    s2 = b.json().name;
    const root = await runCli('snapshot', 'create', '@', ...snap, '--json');
    assert.equal(root.code, 0, root.stderr);
    const backup = await runCli('backup', 'run', ...snap, '--repo', repo, '--identity-file', key.identityFile, '--state-dir', stateDir, '--ignore-window', '--bandwidth', 'unlimited');
    assert.equal(backup.code, 0, backup.stderr + backup.stdout);
    const history = History.open(historyPath(stateDir, 'yoga'));
    history.append(historySamples(nowMs));
    history.close();

    const now = (): string => new Date().toISOString();
    // The fleet's addresses are known once the servers listen; every poll asks again (everyMs 0).
    let poller: FleetPoller | undefined;
    const ctx: ServeContext = {
      plan: p.plan, root: p.root, stateDir, lockPath: lock, now, log: (l) => problems.push(`server: ${l}`), signal: new AbortController().signal,
      doctor: cachedDoctor(p.plan, p.root), fleet: () => poller!.view(),
      metrics: async () => ({ contentType: 'text/plain', text: '' }),
    };
    const listen = { host: '127.0.0.1', port: 0, loopback: true };
    server = await startServe({ ctx, listen, tokens: { read: READ, admin: ADMIN } });
    // The same disks answering as hetzner: the fleet view takes an answer only from the host it names.
    peer = await startServe({ ctx: { ...ctx, plan: { ...p.plan, host: 'hetzner' }, fleet: async () => ({ checkedAt: now(), hosts: [] }) }, listen, tokens: { read: READ, admin: ADMIN } });
    // A port that was free a moment ago: nobody answers there.
    const gone = await startServe({ ctx, listen, tokens: { read: READ, admin: ADMIN } });
    await gone.close();
    poller = fleetPoller({
      hosts: [{ host: 'yoga', url: server.url }, { host: 'hetzner', url: peer.url }, { host: 'ovh', url: gone.url }],
      token: READ, self: 'yoga', stateDir, now: () => new Date(), log: (l) => problems.push(`fleet: ${l}`), everyMs: 0, timeoutMs: 2_000,
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await peer?.close();
    await p?.dispose();
  });

  /** A page that records every console error and failed request as a problem of the test. */
  async function open(path: string, token: string | null = ADMIN): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${server.url}${path}`);
    if (token !== null) {
      await page.getByPlaceholder('read or admin token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    const file = join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.length > 10_000, `${name}.png is ${png.length} bytes: a blank page?`);
  }

  test('a wrong token is refused with the server\'s reason, and the page asks again', async () => {
    const page = await open('/snapshots', `${READ}x`);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /token/i);
    assert.equal(await page.getByPlaceholder('read or admin token').count(), 1);
    problems.length = 0; // the 401 itself is logged by the browser as a failed resource: expected here
    await page.close();
  });

  test('snapshots: list, compare, restore the deleted file, pin, take one', async () => {
    const page = await open('/snapshots');
    await page.getByRole('button', { name: /^@home/ }).click();
    const table = page.getByTestId('snapshots');
    await table.locator(`tr[data-snapshot="${s1}"]`).waitFor();
    assert.equal(await table.locator(`tr[data-snapshot="${s2}"]`).count(), 1);
    assert.match(await table.locator(`tr[data-snapshot="${s1}"]`).innerText(), /before the clean-up/);

    await page.getByLabel(`compare ${s1}`).check();
    await page.getByLabel(`compare ${s2}`).check();
    await page.getByRole('button', { name: 'Compare the two ticked' }).click();
    const gone = page.getByTestId('diff').locator('tr[data-path="alice/notes/thesis.md"]');
    await gone.waitFor();
    assert.match(await gone.innerText(), /deleted/);
    assert.match(await page.getByTestId('diff').locator('tr[data-path="alice/todo.txt"]').innerText(), /modified/);
    await shot(page, 'diff');

    await gone.getByRole('button', { name: /^Restore from/ }).click();
    await page.getByTestId('diff').getByRole('status').waitFor();
    assert.match(await page.getByTestId('diff').getByRole('status').innerText(), /1 restored/);
    assert.equal(await readFile(join(data, 'notes', 'thesis.md'), 'utf8'), '# Chapter 1\nthe only copy\n', 'the deleted file is back on disk');

    await table.locator(`tr[data-snapshot="${s1}"]`).getByRole('button', { name: 'Pin' }).click();
    await table.locator(`tr[data-snapshot="${s1}"]`).getByText('pinned').waitFor();
    const sidecars = await runCli('snapshot', 'list', '--plan', join(p.loops.dir, 'plan.json'), '--root', p.root, '--json');
    assert.equal(sidecars.code, 0, sidecars.stderr);
    assert.equal(JSON.stringify(sidecars.json()).includes(`"name":"${s1}"`), true);
    const listed = sidecars.json() as any;
    const meta = (Array.isArray(listed) ? listed : listed.snapshots).find((x: any) => x.name === s1);
    assert.equal(meta.pinned, true, 'the pin is on disk, not only on the page');
    // A pinned snapshot cannot be deleted from the page.
    assert.equal(await table.locator(`tr[data-snapshot="${s1}"]`).getByRole('button', { name: 'Delete' }).isDisabled(), true);

    const before = await table.locator('tbody tr[data-snapshot]').count();
    await page.getByPlaceholder('why (optional)').fill('from the browser');
    await page.getByRole('button', { name: 'Take a snapshot of @home' }).click();
    await page.getByRole('status').filter({ hasText: 'taken' }).waitFor();
    await table.locator('tbody tr[data-snapshot]').nth(before).waitFor();
    assert.equal(await table.locator('tbody tr[data-snapshot]').count(), before + 1);
    assert.match(await table.locator('tbody tr[data-snapshot]').first().innerText(), /from the browser/);
    await shot(page, 'snapshots');
    await page.close();
  });

  test('the read token sees the snapshots but is offered no change', async () => {
    const page = await open('/snapshots?subvolume=%40home', READ);
    await page.getByTestId('snapshots').locator(`tr[data-snapshot="${s2}"]`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Pin' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Take a snapshot/ }).count(), 0);
    await page.close();
  });

  test('status: every kept subvolume with its newest snapshot and backup', async () => {
    const page = await open('/');
    const table = page.getByTestId('status-subvolumes');
    await table.waitFor();
    assert.match(await table.innerText(), /@home/);
    await shot(page, 'status');
    await page.close();
  });

  test('dashboard: every plot with data is drawn by uPlot on a canvas that is not blank', async () => {
    const page = await open('/dashboard');
    await page.getByTestId('charts').waitFor();
    const charts = page.locator('figure.chart');
    assert.equal(await charts.count(), 7);
    for (const title of ['Pool usage', 'Snapshots', 'Snapshot size', 'Backup size per night', 'Backup duration per night', 'Cost per month', 'Failures per day']) {
      const fig = page.locator(`figure.chart[data-chart="${title}"]`);
      await fig.locator('.uplot canvas').waitFor();
      const inked = await fig.locator('.uplot canvas').evaluate((c: any) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      assert.ok(inked > 500, `${title}: the canvas has ${inked} drawn pixels`);
    }
    assert.match(await page.locator('figure.chart[data-chart="Pool usage"]').innerText(), /nvme0n1p2/, 'the legend names the device');
    await shot(page, 'dashboard');
    await page.close();
  });

  test('fleet: every host side by side; one that stops answering is unreachable with the age of its last data, never healthy', async () => {
    const page = await open('/fleet');
    const card = (host: string) => page.getByTestId('fleet').locator(`article[data-host="${host}"]`);
    await card('yoga').waitFor();
    assert.equal(await page.getByTestId('fleet').locator('article').count(), 3);
    for (const host of ['yoga', 'hetzner']) assert.notEqual(await card(host).getAttribute('data-state'), 'unreachable', host);
    assert.equal(await card('ovh').getAttribute('data-state'), 'unreachable');
    assert.match(await card('ovh').innerText(), /never answered/);
    assert.match(await card('ovh').innerText(), /refused|connect/i, 'the reason is shown');
    assert.match(await card('hetzner').innerText(), /Newest snapshot/);

    await peer!.close();
    peer = undefined;
    await page.reload();
    await card('hetzner').and(page.locator('[data-state="unreachable"]')).waitFor();
    const text = await card('hetzner').innerText();
    assert.match(text, /last data (just now|\d+ min ago)/, 'the age of the last data seen');
    assert.match(text, /Newest snapshot/, 'its last data is still shown, greyed');
    assert.doesNotMatch(text, /\bOK\b/);
    await shot(page, 'fleet');
    await page.close();
  });

  test('no console error, no CSP violation, no server error on any page', () => {
    assert.deepEqual(problems, []);
  });
});
