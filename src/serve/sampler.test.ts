import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { History, historyPath } from '../history/store.ts';
import { startSampler } from './sampler.ts';

test('the sampler appends the gauges at once and then on its period; a failing collection is a warning, not an end', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-sampler-'));
  try {
    const stop = new AbortController();
    const warnings: string[] = [];
    let calls = 0;
    const sampler = startSampler({
      stateDir: dir, host: 'h', everyMs: 20, now: () => new Date(), warn: (l) => warnings.push(l), signal: stop.signal,
      gauges: async () => {
        calls += 1;
        if (calls === 2) throw new Error('pool not mounted');
        return [{ name: 'pantheros.disk.usage', tags: { host: 'h', pool: 'primary' }, value: calls }];
      },
    });
    while (calls < 4) await sleep(5);
    stop.abort();
    await sampler.stopped;
    assert.ok(sampler.sampled() >= 3, `${sampler.sampled()} samples`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /pool not mounted/);
    const history = History.open(historyPath(dir, 'h'));
    try {
      const values = history.series('pantheros.disk.usage', 0, { pool: 'primary' }).map((p) => p.value);
      assert.deepEqual(values.slice(0, 2), [1, 3], 'the second collection failed and left no point');
    } finally {
      history.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
