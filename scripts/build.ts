// `npm run build`: the bundled CLI in dist/ (scripts/bundle.ts says what and why). dist/panther.js
// is what the Nix package runs; src/cli/panther.js, on the sources, stays what tests and a clone run.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, buildBundle } from './bundle.ts';

const outdir = join(ROOT, 'dist');
await rm(outdir, { recursive: true, force: true });
const bundle = await buildBundle(outdir);
process.stdout.write(`wrote ${bundle.files.filter((f) => f.endsWith('.js')).length} files to dist/; run: node dist/panther.js\n`);
