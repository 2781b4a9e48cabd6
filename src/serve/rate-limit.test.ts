import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimiter } from './rate-limit.ts';

test('rate limit: N per minute per client, then the seconds to wait; a new window starts afresh', () => {
  const r = rateLimiter(3);
  const t0 = 1_000_000;
  assert.deepEqual([r.take('a', t0), r.take('a', t0 + 1), r.take('a', t0 + 2)], [0, 0, 0]);
  assert.equal(r.take('a', t0 + 10_000), 50);
  assert.equal(r.take('b', t0 + 10_000), 0, 'another client has its own budget');
  assert.equal(r.take('a', t0 + 59_999), 1);
  assert.equal(r.take('a', t0 + 60_000), 0);
});
