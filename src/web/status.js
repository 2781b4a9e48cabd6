// This host at a glance (GET /api/v1/status): per subvolume the newest snapshot, offsite backup and
// drill with their ages, then the backlog, the month's cost and doctor's findings.
import { h, fill, ago, bytes, usd, when } from './dom.js';
import { request } from './api.js';

export const title = 'Status';

/** @param {{ at: string | null, ageMinutes: number | null, overRpo: boolean | null }} a */
function ageCell(a) {
  return h('td', { class: a.overRpo === true ? 'bad' : a.at === null ? 'warn' : '' , title: when(a.at) }, a.at === null ? 'never' : ago(a.ageMinutes), a.overRpo === true ? ' (over RPO)' : null);
}

/** @param {HTMLElement} main */
export async function render(main) {
  /** @type {any} */
  const s = await request('GET', '/api/v1/status');
  const findings = s.doctor?.findings ?? [];
  fill(main,
    h('h1', {}, `${s.host}`),
    h('p', { class: 'muted' }, `as of ${when(s.now)} · RPO ${s.rpoMinutes} min`),
    h('table', { class: 'grid', 'data-testid': 'status-subvolumes' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Subvolume'), h('th', {}, 'Newest snapshot'), h('th', {}, 'Newest offsite backup'), h('th', {}, 'Last drill'))),
      h('tbody', {}, s.subvolumes.map((/** @type {any} */ v) => h('tr', {},
        h('td', {}, v.subvolume, ' ', v.critical ? h('span', { class: 'tag' }, 'critical') : null),
        ageCell(v.snapshot), ageCell(v.backup), h('td', {}, when(v.drill.at)))))),
    h('section', { class: 'cards' },
      h('div', { class: 'card' }, h('h2', {}, 'Upload backlog'),
        s.backup === null ? h('p', {}, 'no backups configured') : h('p', {}, bytes(s.backup.backlogBytes), s.backup.nightsNeeded === null ? '' : ` · ${s.backup.nightsNeeded} night(s) to catch up`),
        s.backup?.lastRun ? h('p', { class: s.backup.lastRun.outcome === 'failed' ? 'bad' : 'muted' }, `last run ${s.backup.lastRun.outcome} ${when(s.backup.lastRun.finishedAt ?? s.backup.lastRun.startedAt)}`) : null),
      h('div', { class: 'card' }, h('h2', {}, 'Cost this month'),
        s.cost === null ? h('p', {}, 'no offsite repository') : h('p', { class: s.cost.budget !== null && s.cost.budget.fraction > 1 ? 'bad' : '' },
          `${usd(s.cost.estimateUsd)} estimated`, s.cost.budget === null ? '' : ` of ${usd(s.cost.budget.budgetUsd)} budget (${Math.round(s.cost.budget.fraction * 100)} %)`)),
      h('div', { class: 'card' }, h('h2', {}, 'Drills'),
        s.drill === null || s.drill.last.length === 0 ? h('p', {}, 'no drill yet') : h('ul', {}, s.drill.last.map((/** @type {any} */ d) => h('li', { class: d.outcome === 'passed' ? '' : 'bad' }, `${d.level}: ${d.outcome} ${when(d.finishedAt)}`, d.reason === null ? '' : ` — ${d.reason}`)))),
      h('div', { class: 'card' }, h('h2', {}, 'Doctor'),
        s.doctor === null ? h('p', {}, 'not available') : h('p', { class: s.doctor.counts.error > 0 ? 'bad' : s.doctor.counts.warning > 0 ? 'warn' : '' }, `${s.doctor.counts.error} error(s), ${s.doctor.counts.warning} warning(s)`))),
    findings.length === 0 ? null : h('section', {}, h('h2', {}, 'Findings'), h('ul', { class: 'findings' }, findings.map((/** @type {any} */ f) => h('li', { class: f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : '' },
      h('strong', {}, `${f.subject}: `), `expected ${f.expected}, found ${f.found}`, h('div', { class: 'hint' }, f.fix))))),
    s.warnings.length === 0 ? null : h('section', {}, h('h2', {}, 'Warnings'), h('ul', {}, s.warnings.map((/** @type {string} */ w) => h('li', { class: 'warn' }, w)))));
}
