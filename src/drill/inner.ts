// The drill's own process (namespace.ts starts it): reads the request, runs the drill, writes the
// result where the parent reads it. SIGINT/SIGTERM stop the drill between steps; it still cleans up
// and reports `interrupted`.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { DrillRequest } from './request.ts';
import { runDrill } from './run.ts';

const [requestFile, resultFile] = process.argv.slice(2);
if (requestFile === undefined || resultFile === undefined) {
  process.stderr.write('panther drill: the inner process needs a request file and a result file (it is started by `panther drill`)\n');
  process.exit(2);
}
const request = JSON.parse(await readFile(requestFile, 'utf8')) as DrillRequest;
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop.abort());
const result = await runDrill(request, (line) => process.stderr.write(`${line}\n`), stop.signal);
await writeFileAtomic(resultFile, `${JSON.stringify(result)}\n`, 0o600);
process.exit(0);
