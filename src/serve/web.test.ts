import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { authenticator } from './auth.ts';
import { rateLimiter } from './rate-limit.ts';
import { PAGES, WEB_CSP, loadWebAssets } from './web.ts';
import type { ServeContext } from './route.ts';

const web = loadWebAssets();
const app = buildApp({
  ctx: { log: () => undefined } as unknown as ServeContext, routes: [], maxBodyBytes: 1024, web,
  auth: authenticator({ read: 'r'.repeat(20), admin: 'a'.repeat(20) }), limiter: rateLimiter(10_000),
});

test('every script and style of src/web is served, and uPlot beside them; nothing else', () => {
  const shipped = readdirSync(join(import.meta.dirname, '..', 'web')).filter((n) => /\.(js|css)$/.test(n)).map((n) => `/ui/${n}`);
  assert.ok(shipped.includes('/ui/app.js') && shipped.includes('/ui/style.css'));
  assert.deepEqual([...web.files.keys()].sort(), [...shipped, '/ui/vendor/uplot.js', '/ui/uplot.css'].sort());
  assert.match(new TextDecoder().decode(web.files.get('/ui/vendor/uplot.js')!.body), /export \{ uPlot as default \}/);
});

test('pages and files need no token and carry the UI\'s CSP; an unknown or traversing name is 404', async () => {
  for (const path of PAGES) {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-security-policy'), WEB_CSP);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(await res.text(), /<script type="module" src="\/ui\/app.js">/);
  }
  const js = await app.request('/ui/app.js');
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/tsconfig.json', '/ui/index.html', '/ui/vendor/uPlot.cjs.js', '/ui/nope.js']) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-security-policy') ?? '', /^default-src 'none'; frame-ancestors 'none'$/, `${path}: the API's CSP`);
  }
  // The UI's CSP allows nothing inline and nothing from elsewhere.
  assert.doesNotMatch(WEB_CSP, /unsafe|\*|https?:/);
});

test('a missing UI file is a clear error naming it, not a crash on the first request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-web-'));
  try {
    writeFileSync(join(dir, 'app.js'), '');
    assert.throws(() => loadWebAssets(dir), (e: Error & { code?: string }) => e.code === 'serve-web-missing' && e.message.includes('index.html'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
