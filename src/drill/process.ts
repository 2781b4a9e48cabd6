// The drill's own process, from the side that starts it: the request written to a private temporary
// directory, the process run in its mount namespace (namespace.ts), and its result read back, or,
// when it left none, a result that says how it ended. Used by `panther drill` and the demo.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from '../core/redact-url.ts';
import { runInNamespace } from './namespace.ts';
import type { DrillRequest } from './request.ts';
import { interruptedResult } from './state.ts';
import type { DrillResult, RunningDrill } from './types.ts';

/** Runs the drill's own process and returns its result, or an interrupted one when it left none. */
export async function runDrillProcess(request: DrillRequest, running: RunningDrill, options: { quiet?: boolean } = {}): Promise<DrillResult> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-drill-'));
  try {
    const requestFile = join(dir, 'request.json');
    const resultFile = join(dir, 'result.json');
    await writeFile(requestFile, JSON.stringify(request), { mode: 0o600 });
    const exit = await runInNamespace(requestFile, resultFile, options.quiet === true);
    const text = await readFile(resultFile, 'utf8').catch(() => null);
    if (text !== null) return JSON.parse(text) as DrillResult;
    const at = new Date().toISOString();
    const repository = redactUrl(request.location.url);
    if (exit.signal !== null) return interruptedResult(running, at, repository, `the drill's process was killed (${exit.signal}) before it recorded a result`);
    // Exited on its own without a result: a crash, which says why on stderr; a failure, not an interruption.
    return {
      ...interruptedResult(running, at, repository, ''), outcome: 'failed',
      reason: { code: 'drill-crashed', message: `the drill's process exited with code ${exit.code} without a result (its last words are on stderr above)`, hint: 'run the drill by hand to see the error; report it if it is an internal error' },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
