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
  const width = Math.max(320, Math.min(640, Math.floor((main.clientWidth || 1200) / 2) - 32));
  fill(main,
    h('h1', {}, `Storage · ${r.host}`),
    h('p', { class: 'muted' }, `${when(r.since)} to ${when(r.now)} · `,
      RANGES.flatMap((d) => [h('a', { href: `/dashboard?days=${d}`, 'data-page': 'dashboard', class: d === range ? 'active' : '' }, `${d} days`), ' '])),
    h('div', { class: 'charts', 'data-testid': 'charts' },
      chart('Pool usage', p.poolUsage, { width }),
      chart('Snapshots', p.snapshotCount, { width }),
      chart('Snapshot size', p.snapshotSize, { width }),
      chart('Backup size per night', p.backupSize, { width, bars: true }),
      chart('Backup duration per night', p.backupDuration, { width, bars: true }),
      chart('Cost per month', p.cost, { width, bars: true }),
      chart('Failures per day', p.failures, { width, bars: true })));
}
