import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopWhen } from './window-stop.ts';

test('stop: fires when the wall clock reaches the stop time', async () => {
  const start = Date.now();
  const stop = stopWhen(() => Date.now(), start + 150, 20);
  try {
    assert.equal(stop.signal.aborted, false);
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
    assert.ok(Date.now() - start >= 145);
  } finally {
    stop.dispose();
  }
});

test('stop: a wall clock that jumps (resume from suspend) is noticed by the poll', async () => {
  let wall = 0;
  const stop = stopWhen(() => wall, 3_600_000, 20); // an hour away on the monotonic timer
  try {
    wall = 4_000_000; // the machine slept past the window's end
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
    assert.equal(stop.signal.aborted, true);
  } finally {
    stop.dispose();
  }
});

test('stop: never fires without a stop time', () => {
  const stop = stopWhen(() => Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY);
  assert.equal(stop.signal.aborted, false);
  stop.dispose();
});
