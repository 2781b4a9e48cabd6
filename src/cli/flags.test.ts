import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amountFlag, bandwidthFlag, choiceFlag, monthFlag, percentFlag, secondsFlag, timeFlag, wholeFlag } from './flags.ts';

const usage = (flag: string) => (error: any): boolean => error.exitCode === 2 && new RegExp(`^--${flag}[ :]`).test(error.message) && /expected|bandwidth|kbit/.test(error.message);

test('absent flags are undefined (or the default); good values are typed', () => {
  assert.equal(wholeFlag({}, 'n'), undefined);
  assert.equal(wholeFlag({ n: '14' }, 'n', { min: 1 }), 14);
  assert.equal(amountFlag({ b: '2.5' }, 'b', 'dollars', '5'), 2.5);
  assert.equal(secondsFlag({}, 'wait', 0), 0);
  assert.equal(secondsFlag({ wait: '0.5' }, 'wait', 0), 500);
  assert.equal(percentFlag({ p: '10%' }, 'p'), 10);
  assert.equal(percentFlag({}, 'p'), 0);
  assert.equal(timeFlag({ now: '2026-03-10T02:00:00+01:00' }, 'now'), '2026-03-10T01:00:00.000Z');
  assert.equal(monthFlag({ m: '2027-01' }, 'm'), '2027-01');
  assert.equal(bandwidthFlag({ bw: 'unlimited' }, 'bw'), null);
  assert.equal(bandwidthFlag({ bw: '10Mbit' }, 'bw'), 10_000_000);
  assert.equal(choiceFlag({ p: 'thin' }, 'p', ['report', 'thin'] as const), 'thin');
});

test('what Number() would half-accept is refused, naming the flag', () => {
  for (const text of ['abc', '', ' 5', '1e3', '0x10', '-1', '1.5', 'Infinity', '99999999999999999999']) {
    assert.throws(() => wholeFlag({ n: text }, 'n'), usage('n'), text);
  }
  assert.throws(() => wholeFlag({ n: '0' }, 'n', { min: 1 }), usage('n'));
  assert.throws(() => wholeFlag({ n: '121' }, 'n', { min: 1, max: 120 }), usage('n'));
  for (const text of ['soon', '-1', '', 'NaN', '1e3']) assert.throws(() => secondsFlag({ wait: text }, 'wait', 0), usage('wait'), text);
  for (const text of ['lots', '101', '-1', '50%%']) assert.throws(() => percentFlag({ p: text }, 'p'), usage('p'), text);
  for (const text of ['yesterday', '2026-13-45', '2026-02-30T00:00:00Z x', '1700000000']) assert.throws(() => timeFlag({ now: text }, 'now'), usage('now'), text);
  for (const text of ['2027-13', '2027-1', '27-01']) assert.throws(() => monthFlag({ m: text }, 'm'), usage('m'), text);
  assert.throws(() => amountFlag({ b: '-5' }, 'b', 'dollars', '5'), usage('b'));
  assert.throws(() => bandwidthFlag({ bw: 'fast' }, 'bw'), usage('bw'));
  assert.throws(() => choiceFlag({ p: 'fat' }, 'p', ['report', 'thin'] as const), usage('p'));
});
