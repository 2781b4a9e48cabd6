// A run that adds to the counters file `times` times, one increment at a time (for the
// concurrency test in src/metrics/counters-state.test.ts).
import { recordEvents } from '../../src/metrics/counters-state.ts';
import { event } from '../../src/metrics/events.ts';

const [stateDir, host, times] = process.argv.slice(2);
for (let i = 0; i < Number(times); i++) {
  await recordEvents(stateDir!, host!, [event('pantheros.snapshot.created', 1, { host: host! }), event('pantheros.backup.duration', process.pid, { host: host! })], new Date().toISOString(), (l) => process.stderr.write(`${l}\n`));
}
