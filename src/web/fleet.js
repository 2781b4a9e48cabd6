// The fleet side by side (GET /api/v1/fleet): each host's state, newest snapshot, newest offsite
// backup, nights of backlog and share of the bill. The server asks every host's API; one that does
// not answer is shown unreachable with the age of the last data seen (greyed), never as healthy.
import { h, fill, ago, ageOf, bytes, usd, when } from './dom.js';
import { request } from './api.js';

export const title = 'Fleet';

const REFRESH_MS = 60_000;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/**
 * @typedef {{ lastSnapshotAt: string | null, lastBackupAt: string | null, backlogBytes: number | null, nightsNeeded: number | null,
 *   costUsd: number | null, budgetUsd: number | null, costShare: number | null, doctorErrors: number | null, doctorWarnings: number | null }} Summary
 * @typedef {{ host: string, url: string, state: 'ok' | 'warning' | 'failing' | 'unreachable', reasons: string[], checkedAt: string,
 *   lastSeenAt: string | null, dataAgeMinutes: number | null, summary: Summary | null }} FleetHost
 */

/** @param {FleetHost} f @param {number} now */
function card(f, now) {
  const s = f.summary;
  const stale = f.state === 'unreachable';
  return h('article', { class: `host state-${f.state}`, 'data-host': f.host, 'data-state': f.state },
    h('header', {}, h('h2', {}, f.host), h('span', { class: `badge badge-${f.state}` }, f.state)),
    stale ? h('p', { class: 'stale' }, f.lastSeenAt === null ? 'never answered' : `unreachable; last data ${ago(f.dataAgeMinutes)} (${when(f.lastSeenAt)})`) : null,
    s === null ? h('p', { class: 'muted' }, 'no data') : h('dl', { class: stale ? 'stale' : '' },
      h('dt', {}, 'Newest snapshot'), h('dd', {}, ageOf(s.lastSnapshotAt, now)),
      h('dt', {}, 'Newest offsite backup'), h('dd', {}, ageOf(s.lastBackupAt, now)),
      h('dt', {}, 'Backlog'), h('dd', {}, s.backlogBytes === null ? '—' : `${bytes(s.backlogBytes)}${s.nightsNeeded === null ? '' : ` · ${s.nightsNeeded} night(s)`}`),
      h('dt', {}, 'Cost this month'), h('dd', {}, usd(s.costUsd), s.budgetUsd === null ? '' : ` of ${usd(s.budgetUsd)}`),
      h('dt', {}, 'Share of the bill'), h('dd', {}, s.costShare === null ? '—' : [
        h('meter', { min: 0, max: 1, value: s.costShare, title: `${Math.round(s.costShare * 100)} %` }), ` ${Math.round(s.costShare * 100)} %`]),
      h('dt', {}, 'Doctor'), h('dd', {}, s.doctorErrors === null ? '—' : `${s.doctorErrors} error(s), ${s.doctorWarnings ?? 0} warning(s)`)),
    f.reasons.length === 0 ? null : h('ul', { class: 'reasons' }, f.reasons.map((r) => h('li', {}, r))),
    h('footer', { class: 'muted' }, `asked ${when(f.checkedAt)}`));
}

/** @param {HTMLElement} main */
export async function render(main) {
  clearTimeout(timer);
  /** @type {{ checkedAt: string, hosts: FleetHost[] }} */
  const r = await request('GET', '/api/v1/fleet');
  const now = Date.parse(r.checkedAt);
  const counts = ['failing', 'unreachable', 'warning', 'ok'].map((s) => [s, r.hosts.filter((x) => x.state === s).length]).filter(([, n]) => n !== 0);
  fill(main,
    h('h1', {}, 'Fleet'),
    r.hosts.length === 0
      ? h('p', {}, 'No fleet file: start panther serve with --fleet FILE (storage.serve.fleet on NixOS) to see every host here.')
      : h('p', { class: 'muted' }, `${r.hosts.length} host(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')} · asked ${when(r.checkedAt)}`),
    h('div', { class: 'fleet', 'data-testid': 'fleet' }, r.hosts.map((x) => card(x, now))));
  // Keep the page current while it is the one shown.
  timer = setTimeout(() => { if (location.pathname === '/fleet') void render(main).catch(() => {}); }, REFRESH_MS);
}
