// The storage dashboard (GET /api/v1/history): pool usage over time, snapshot count and size, backup
// size and duration per night, cost per month against the budget, failures per day.
import { h, fill, when } from './dom.js';
import { request } from './api.js';
import { chart } from './charts.js';

export const title = 'Dashboard';

const RANGES = [7, 30, 90, 365];

/** @param {HTMLElement} main */
export async function render(main) {
  const days = Number(new URLSearchParams(location.search).get('days') ?? 30);
  const range = RANGES.includes(days) ? days : 30;
  /** @type {any} */
  const r = await request('GET', `/api/v1/history?days=${range}`);
  const p = r.plots;
  const charts = [
    chart('Pool usage', p.poolUsage),
    chart('Snapshots', p.snapshotCount),
    chart('Snapshot size', p.snapshotSize),
    chart('Backup size per night', p.backupSize, { bars: true }),
    chart('Backup duration per night', p.backupDuration, { bars: true }),
    chart('Cost per month', p.cost, { bars: true }),
    chart('Failures per day', p.failures, { bars: true }),
  ];
  fill(main,
    h('h1', {}, `Storage · ${r.host}`),
    h('p', { class: 'muted' }, `${when(r.since)} to ${when(r.now)} · `,
      RANGES.flatMap((d) => [h('a', { href: `/dashboard?days=${d}`, 'data-page': 'dashboard', class: d === range ? 'active' : '' }, `${d} days`), ' '])),
    h('div', { class: 'charts', 'data-testid': 'charts' }, charts.map((c) => c.figure)));
  for (const c of charts) c.draw();
}
