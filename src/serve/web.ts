// The web UI's files (src/web/: plain ES modules the browser runs as they are, type-checked with
// src/web/tsconfig.json) and uPlot's, read once when the server starts and served from memory: a
// request can only name one of the files listed here, never a path on disk. The pages get a CSP that
// allows this origin's scripts, styles and API only: nothing inline, nothing from elsewhere.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PantherError } from '../core/errors.ts';

export interface Asset { body: Uint8Array; contentType: string }

/** The app's views: each address serves the same page, which draws the view the path names. */
export const PAGES = ['/', '/snapshots', '/dashboard', '/fleet'] as const;

export const WEB_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

export interface WebAssets {
  page: Asset;
  /** '/ui/app.js' → the file. */
  files: ReadonlyMap<string, Asset>;
}

function read(path: string, contentType: string): Asset {
  try {
    return { body: readFileSync(path), contentType };
  } catch (cause) {
    throw new PantherError('serve-web-missing', `${path}: the web UI's file cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, {
      subject: path, cause, hint: 'the installation is incomplete: reinstall panther (the package ships src/web and node_modules/uplot)',
    });
  }
}

export function loadWebAssets(dir: string = join(import.meta.dirname, '..', 'web')): WebAssets {
  const files = new Map<string, Asset>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new PantherError('serve-web-missing', `${dir}: the web UI's folder cannot be read`, { subject: dir, cause, hint: 'the installation is incomplete: reinstall panther' });
  }
  for (const name of names) {
    const ext = /^[a-z][a-z0-9-]*(\.js|\.css)$/.exec(name)?.[1];
    if (ext !== undefined) files.set(`/ui/${name}`, read(join(dir, name), TYPES[ext]!));
  }
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));
  files.set('/ui/vendor/uplot.js', read(join(uplot, 'uPlot.esm.js'), TYPES['.js']!));
  files.set('/ui/uplot.css', read(join(uplot, 'uPlot.min.css'), TYPES['.css']!));
  return { page: read(join(dir, 'index.html'), TYPES['.html']!), files };
}
