// The page shell: which view the address names, the sign-in form when there is no working token, and
// the header. Every view is a module with `render(main, session)`; links inside the app change the
// view without a reload so the token form is not shown again.
import { h, fill, problem } from './dom.js';
import { ApiError, currentSession, forget, signIn, token } from './api.js';
import * as status from './status.js';
import * as snapshots from './snapshots.js';
import * as dashboard from './dashboard.js';
import * as fleet from './fleet.js';

/** @typedef {{ csrf: string, role: 'read' | 'admin' }} Session */
/** @typedef {{ title: string, render: (main: HTMLElement, session: Session) => Promise<void> }} View */

/** @type {Record<string, View>} */
const VIEWS = { status, snapshots, dashboard, fleet };

/** @param {string} pathname */
function viewOf(pathname) {
  const name = pathname.replace(/^\/+|\/+$/g, '') || 'status';
  return Object.hasOwn(VIEWS, name) ? name : 'status';
}

/** @param {HTMLElement} main @param {unknown} [error] */
function showSignIn(main, error) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', placeholder: 'read or admin token', required: true, size: 40 });
  const form = h('form', { class: 'signin', onsubmit: (/** @type {Event} */ e) => {
    e.preventDefault();
    signIn(input.value).then(() => route(), (err) => showSignIn(main, err));
  } },
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Paste the read token (to look) or the admin token (to change snapshots). It stays in this tab only.'),
  input, ' ', h('button', { type: 'submit' }, 'Sign in'),
  error === undefined ? null : problem(error));
  fill(main, form);
  input.focus();
}

export async function route() {
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  const who = /** @type {HTMLElement} */ (document.getElementById('who'));
  const name = viewOf(location.pathname);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('data-page') === name);
  if (token() === null) {
    fill(who);
    showSignIn(main);
    return;
  }
  let session;
  try {
    session = await currentSession();
  } catch (error) {
    fill(who);
    showSignIn(main, error);
    return;
  }
  fill(who, h('span', { class: `role role-${session.role}` }, session.role), ' ', h('button', { class: 'link', onclick: () => { forget(); route(); } }, 'sign out'));
  const view = /** @type {View} */ (VIEWS[name]);
  document.title = `${view.title} · Panther Storage`;
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    await view.render(main, session);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showSignIn(main, error);
    else fill(main, problem(error));
  }
}

document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[data-page]') : null;
  if (a === null || !(a instanceof HTMLAnchorElement) || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  history.pushState(null, '', a.pathname + a.search);
  void route();
});
window.addEventListener('popstate', () => void route());
void route();
