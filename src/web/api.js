// Every request the page makes: the token the user typed (kept in this tab's sessionStorage only,
// never a cookie, so another site cannot make the browser send it), the CSRF value of that token on
// every change (GET /api/v1/session hands it out), and the server's { error } answers as ApiErrors.

const TOKEN_KEY = 'panther-token';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string | undefined} hint */
  constructor(status, code, message, hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
  }
}

/** @type {{ csrf: string, role: 'read' | 'admin' } | null} */
let session = null;

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  session = null;
}

/**
 * Checks a token against the server and keeps it when it works.
 * @param {string} value
 * @returns {Promise<{ csrf: string, role: 'read' | 'admin' }>}
 */
export async function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
  session = null;
  try {
    return await currentSession();
  } catch (error) {
    forget();
    throw error;
  }
}

/** @returns {Promise<{ csrf: string, role: 'read' | 'admin' }>} */
export async function currentSession() {
  session ??= /** @type {{ csrf: string, role: 'read' | 'admin' }} */ (await request('GET', '/api/v1/session'));
  return session;
}

/**
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function request(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const t = token();
  if (t !== null) headers['authorization'] = `Bearer ${t}`;
  if (method !== 'GET') headers['x-panther-csrf'] = (await currentSession()).csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (error) {
    throw new ApiError(0, 'unreachable', `the server did not answer (${error instanceof Error ? error.message : String(error)})`, 'is panther serve running?');
  }
  const text = await res.text();
  /** @type {any} */
  let json = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'not-json', `${method} ${path} answered HTTP ${res.status} with something that is not JSON`, undefined);
  }
  if (!res.ok) {
    const e = json?.error ?? {};
    if (res.status === 401) forget();
    throw new ApiError(res.status, String(e.code ?? 'http'), String(e.message ?? `HTTP ${res.status}`), e.hint === undefined ? undefined : String(e.hint));
  }
  return json;
}

/** @param {string} name */
export const enc = (name) => encodeURIComponent(name);
