// Preloaded with `node --import` by test/cli-lazy.test.ts: writes every module URL the process loaded
// to $PANTHER_MODULE_LOG when it exits.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = new Set<string>();
registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
process.on('exit', () => { writeFileSync(process.env['PANTHER_MODULE_LOG']!, [...loaded].join('\n')); });
