// The snapshot browser (GET /api/v1/snapshots): one subvolume at a time with its tiers, pins, holds
// and hook outcomes; compare two snapshots (the diff lists what changed, and a deleted or changed
// file is one click from coming back); restore a path; pin, unpin, delete; take a manual snapshot.
// Changes need the admin token: with the read token the buttons are not offered.
import { h, fill, when, problem } from './dom.js';
import { enc, request } from './api.js';

export const title = 'Snapshots';

/**
 * @typedef {{ hook: string, phase: string, ok: boolean, degraded: boolean, message: string }} Hook
 * @typedef {{ name: string, subvolume: string, time: string, origin: string, tiers: string[], tags: string[],
 *   description: string | null, creator: string, pinned: boolean, holds: string[], hooks: Hook[], degraded: boolean, rebuilt: boolean }} Snapshot
 * @typedef {{ subvolume: string, tiers: Record<string, number | null> | null, snapshots: Snapshot[] }} Subvolume
 */

/** @param {HTMLElement} el @param {string} text @param {'ok' | 'bad'} kind */
function say(el, text, kind) {
  fill(el, h('div', { class: kind === 'ok' ? 'notice' : 'error', role: kind === 'ok' ? 'status' : 'alert' }, text));
}

/** @param {Hook[]} hooks @param {boolean} degraded */
function hookCell(hooks, degraded) {
  if (hooks.length === 0) return h('td', { class: 'muted' }, '—');
  const failed = hooks.filter((x) => !x.ok);
  const text = failed.length === 0 ? `${hooks.length} ok` : `${failed.length} of ${hooks.length} failed`;
  const detail = hooks.map((x) => `${x.hook} ${x.phase}: ${x.ok ? 'ok' : 'FAILED'}${x.message === '' ? '' : ` — ${x.message}`}`).join('\n');
  return h('td', { class: failed.length > 0 || degraded ? 'bad' : 'ok', title: detail }, text, degraded ? ' (degraded)' : null);
}

/** @param {Record<string, number | null> | null} tiers */
function tierSummary(tiers) {
  if (tiers === null) return 'no timeline (manual snapshots only)';
  return `keeps ${Object.entries(tiers).filter(([, n]) => n !== null && n > 0).map(([t, n]) => `${n} ${t}`).join(', ') || 'nothing by age'}`;
}

/** @param {HTMLElement} main @param {{ role: 'read' | 'admin' }} session */
export async function render(main, session) {
  const admin = session.role === 'admin';
  /** @type {{ subvolumes: Subvolume[] }} */
  const list = await request('GET', '/api/v1/snapshots');
  const wanted = new URLSearchParams(location.search).get('subvolume');
  let current = list.subvolumes.find((s) => s.subvolume === wanted) ?? list.subvolumes.find((s) => s.snapshots.length > 0) ?? list.subvolumes[0];
  const message = h('div', { class: 'messages' });
  const body = h('div', {});
  const diffPanel = h('section', { class: 'diff', 'data-testid': 'diff' });

  async function reload() {
    const fresh = /** @type {{ subvolumes: Subvolume[] }} */ (await request('GET', '/api/v1/snapshots'));
    list.subvolumes = fresh.subvolumes;
    current = list.subvolumes.find((s) => s.subvolume === current?.subvolume) ?? list.subvolumes[0];
    draw();
  }

  /** @param {() => Promise<string>} action */
  function act(action) {
    action().then((text) => { say(message, text, 'ok'); return reload(); }).catch((error) => fill(message, problem(error)));
  }

  /** @param {string} older @param {string} newer */
  async function showDiff(older, newer) {
    fill(diffPanel, h('p', { class: 'muted' }, 'Comparing…'));
    /** @type {{ changes: Array<{ path: string, kind: string, from?: string }> }} */
    const d = await request('GET', `/api/v1/snapshots/${enc(older)}/diff/${enc(newer)}`);
    const out = h('div', {});
    fill(diffPanel,
      h('h2', {}, `Changes from ${older} to ${newer}`),
      d.changes.length === 0 ? h('p', {}, 'Nothing changed.') : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Change'), h('th', {}, 'Path'), admin ? h('th', {}, '') : null)),
        h('tbody', {}, d.changes.map((c) => h('tr', { 'data-path': c.path },
          h('td', {}, h('span', { class: `kind kind-${c.kind}` }, c.kind)),
          h('td', { class: 'path' }, c.kind === 'renamed' ? `${c.from} → ${c.path}` : c.path),
          // What the older snapshot had can come back: a deleted or changed file, a renamed one's old name.
          admin && c.kind !== 'added' ? h('td', {}, h('button', { onclick: () => restore(older, c.kind === 'renamed' ? c.from ?? c.path : c.path, undefined, false, out) }, `Restore from ${older.split('.').pop()}`)) : admin ? h('td', {}) : null)))),
      out);
  }

  /** @param {string} name @param {string} path @param {string | undefined} to @param {boolean} overwriteNewer @param {HTMLElement} out */
  function restore(name, path, to, overwriteNewer, out) {
    fill(out, h('p', { class: 'muted' }, `Restoring ${path}…`));
    request('POST', `/api/v1/snapshots/${enc(name)}/restore`, { path, ...(to === undefined ? {} : { to }), overwriteNewer })
      .then((/** @type {any} */ r) => {
        const lines = [
          `${r.restored.length} restored, ${r.unchanged.length} unchanged`,
          r.skippedNewer.length > 0 ? `, ${r.skippedNewer.length} skipped because the live copy is newer (tick "overwrite newer" to replace them)` : '',
          r.skippedSpecial.length > 0 ? `, ${r.skippedSpecial.length} special file(s) skipped` : '',
        ];
        fill(out, h('div', { class: 'notice', role: 'status' }, `${path} → ${r.to}: ${lines.join('')}`));
      }, (error) => fill(out, problem(error)));
  }

  /** @param {Snapshot} s */
  function restoreForm(s) {
    const out = h('div', {});
    const path = h('input', { name: 'path', required: true, placeholder: 'docs/report.txt or /home/docs/report.txt', size: 40 });
    const to = h('input', { name: 'to', placeholder: 'optional: restore into this directory', size: 30 });
    const newer = h('input', { type: 'checkbox', name: 'overwriteNewer' });
    return h('form', { class: 'restore', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      restore(s.name, path.value, to.value.trim() === '' ? undefined : to.value.trim(), newer.checked, out);
    } }, h('strong', {}, `Restore from ${s.name}: `), path, ' ', to, ' ', h('label', {}, newer, ' overwrite newer'), ' ', h('button', { type: 'submit' }, 'Restore'), out);
  }

  /** @param {Snapshot} s @param {HTMLTableRowElement} row */
  function actions(s, row) {
    if (!admin) return h('td', {});
    const del = h('button', { class: 'danger', disabled: s.pinned || s.holds.length > 0, title: s.pinned ? 'unpin it first' : s.holds.length > 0 ? `held by ${s.holds.join(', ')}` : '' }, 'Delete');
    del.addEventListener('click', () => {
      // Two clicks: a stray one deletes nothing.
      if (del.dataset['armed'] !== 'yes') {
        del.dataset['armed'] = 'yes';
        del.textContent = 'Really delete?';
        return;
      }
      act(async () => { await request('DELETE', `/api/v1/snapshots/${enc(s.name)}`); return `${s.name} deleted`; });
    });
    return h('td', { class: 'actions' },
      h('button', { onclick: () => act(async () => { await request('POST', `/api/v1/snapshots/${enc(s.name)}/${s.pinned ? 'unpin' : 'pin'}`); return `${s.name} ${s.pinned ? 'unpinned' : 'pinned'}`; }) }, s.pinned ? 'Unpin' : 'Pin'),
      ' ',
      h('button', { onclick: () => {
        const next = row.nextElementSibling;
        if (next instanceof HTMLElement && next.classList.contains('restore-row')) { next.remove(); return; }
        row.after(h('tr', { class: 'restore-row' }, h('td', { colspan: 9 }, restoreForm(s))));
      } }, 'Restore…'),
      ' ', del);
  }

  function createForm() {
    const description = h('input', { name: 'description', placeholder: 'why (optional)', size: 30, maxlength: 500 });
    return h('form', { class: 'create', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      const subvolume = current?.subvolume;
      if (subvolume === undefined) return;
      act(async () => {
        /** @type {{ snapshot: Snapshot }} */
        const r = await request('POST', '/api/v1/snapshots', { subvolume, ...(description.value.trim() === '' ? {} : { description: description.value.trim() }) });
        description.value = '';
        return `${r.snapshot.name} taken`;
      });
    } }, description, ' ', h('button', { type: 'submit' }, `Take a snapshot of ${current?.subvolume ?? ''}`));
  }

  function draw() {
    if (current === undefined) {
      fill(body, h('p', {}, 'The plan snapshots no subvolume.'));
      return;
    }
    const sub = current;
    const picked = /** @type {Set<string>} */ (new Set());
    const compare = h('button', { disabled: true, onclick: () => {
      const [a, b] = [...picked].sort((x, y) => Date.parse(sub.snapshots.find((s) => s.name === x)?.time ?? '') - Date.parse(sub.snapshots.find((s) => s.name === y)?.time ?? ''));
      if (a !== undefined && b !== undefined) showDiff(a, b).catch((error) => fill(diffPanel, problem(error)));
    } }, 'Compare the two ticked');
    const rows = [...sub.snapshots].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((s) => {
      const tick = h('input', { type: 'checkbox', 'aria-label': `compare ${s.name}` });
      tick.addEventListener('change', () => {
        if (tick.checked) picked.add(s.name);
        else picked.delete(s.name);
        compare.disabled = picked.size !== 2;
      });
      const row = h('tr', { 'data-snapshot': s.name, class: s.pinned ? 'pinned' : '' },
        h('td', {}, tick),
        h('td', { class: 'name' }, s.name, s.rebuilt ? h('span', { class: 'tag warn', title: 'its record was lost and rebuilt from btrfs' }, 'rebuilt') : null),
        h('td', {}, when(s.time)),
        h('td', {}, s.origin),
        h('td', {}, s.tiers.length === 0 ? h('span', { class: 'muted' }, 'none') : s.tiers.map((t) => h('span', { class: 'tag' }, t))),
        h('td', {}, s.pinned ? h('span', { class: 'tag pin' }, 'pinned') : null, s.holds.map((x) => h('span', { class: 'tag hold', title: 'held: retention and delete leave it alone' }, `held: ${x}`))),
        hookCell(s.hooks, s.degraded),
        h('td', { class: 'desc' }, s.description ?? '', s.tags.map((t) => h('span', { class: 'tag' }, t))));
      row.append(actions(s, row));
      return row;
    });
    fill(body,
      h('p', { class: 'muted' }, `${sub.snapshots.length} snapshot(s) · ${tierSummary(sub.tiers)}`),
      admin ? createForm() : h('p', { class: 'muted' }, 'Signed in with the read token: sign in with the admin token to take, pin, delete or restore.'),
      h('div', { class: 'toolbar' }, compare),
      h('table', { class: 'grid snapshots', 'data-testid': 'snapshots' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Snapshot'), h('th', {}, 'Taken'), h('th', {}, 'Origin'), h('th', {}, 'Tiers'), h('th', {}, 'Pin / holds'), h('th', {}, 'Hooks'), h('th', {}, 'Description'), h('th', {}, ''))),
        h('tbody', {}, rows)));
    for (const b of document.querySelectorAll('.subvolumes button')) b.classList.toggle('active', b.textContent?.startsWith(`${sub.subvolume} `) ?? false);
  }

  fill(main,
    h('h1', {}, 'Snapshots'),
    h('nav', { class: 'subvolumes' }, list.subvolumes.map((s) => h('button', { onclick: () => {
      current = s;
      history.replaceState(null, '', `/snapshots?subvolume=${enc(s.subvolume)}`);
      fill(diffPanel);
      fill(message);
      draw();
    } }, `${s.subvolume} `, h('span', { class: 'count' }, String(s.snapshots.length))))),
    message, body, diffPanel);
  draw();
}
