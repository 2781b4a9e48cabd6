// Runs drillPostgres in a process of its own and stops dead once the server answers (the event loop
// blocked, the server running), so the test can kill this process with SIGKILL at that moment and
// check that the server went with it (setpriv --pdeathsig). Prints every drill log line.
// argv: root dataDir runDir
import { writeSync } from 'node:fs';
import { drillPostgres } from '../../src/drill/databases/postgres.ts';

const [root, dataDir, runDir] = process.argv.slice(2);
if (root === undefined || dataDir === undefined || runDir === undefined) throw new Error('usage: drill-postgres-child.ts ROOT DATADIR RUNDIR');
await drillPostgres(root, dataDir, {
  runDir,
  log: (line) => {
    writeSync(1, `${line}\n`);
    if (line.startsWith('PostgreSQL answered after')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
});
writeSync(1, 'drill finished (the test expected to kill it first)\n');
