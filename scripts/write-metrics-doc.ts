// Rewrites the generated table of docs/METRICS.md from src/metrics/catalog.ts.
// Run: node scripts/write-metrics-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withCurrentTable } from '../src/metrics/doc.ts';

const file = resolve(import.meta.dirname, '..', 'docs', 'METRICS.md');
writeFileSync(file, withCurrentTable(readFileSync(file, 'utf8')));
process.stderr.write(`wrote ${file}\n`);
