// The page's only way to make elements: text goes in as textContent, never as HTML, so a file or
// snapshot name from the server cannot become markup (paths in a diff are whatever users named them).
import { ApiError } from './api.js';

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | boolean | number | EventListener | undefined>} Attrs
 */

/**
 * `h('button', { class: 'x', onclick: f }, 'text')`: an element with attributes, listeners (on…) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Array<Child | Child[]>} children
 */
function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** @param {number | null | undefined} n */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`;
}

/** "3 h 20 min", "2 d 4 h": an age in minutes for people. @param {number | null | undefined} minutes */
export function age(minutes) {
  if (minutes === null || minutes === undefined) return 'never';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.floor(hours)} h ${Math.round(minutes % 60)} min`;
  return `${Math.floor(hours / 24)} d ${Math.round(hours % 24)} h`;
}

/** "3 h 20 min ago", "just now". @param {number | null | undefined} minutes */
export function ago(minutes) {
  if (minutes === null || minutes === undefined) return 'never';
  return minutes < 1 ? 'just now' : `${age(minutes)} ago`;
}

/** @param {string | null | undefined} iso @param {number} [now] */
export function ageOf(iso, now = Date.now()) {
  return iso === null || iso === undefined ? 'never' : ago((now - Date.parse(iso)) / 60_000);
}

/** "2026-11-24 02:00 UTC": times are shown in UTC, as the snapshot names have them. @param {string | null | undefined} iso */
export function when(iso) {
  if (iso === null || iso === undefined) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** @param {number | null | undefined} usd */
export function usd(usd) {
  return usd === null || usd === undefined ? '—' : `$${usd.toFixed(2)}`;
}

/** A failure as a message with the server's hint, never a blank page. @param {unknown} error */
export function problem(error) {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiError ? error.hint : undefined;
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, message), hint === undefined ? null : h('div', { class: 'hint' }, hint));
}
