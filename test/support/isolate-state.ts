// Loaded into every test process (`npm test` passes --import, and test/support/cli.ts imports it):
// commands that record metrics or progress in the state directory, and the children tests spawn,
// get a directory of their own instead of the machine's /var/lib/panther/state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.env['PANTHER_STATE_DIR'] === undefined) {
  const stateDir = mkdtempSync(join(tmpdir(), 'panther-test-state-'));
  process.env['PANTHER_STATE_DIR'] = stateDir;
  process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }));
}
