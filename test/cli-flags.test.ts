// Every numeric, time, percentage and bandwidth flag refuses a value that is not one (exit 2, naming
// the flag and the form), before doing any work. `Number("abc")` is NaN: `--max-chain abc` made chains
// unbounded, and `--wait abc` waited forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';

const CASES: Array<[string[], string, RegExp]> = [
  [['snapshot', 'run'], '--wait=abc', /seconds/],
  [['snapshot', 'list'], '--now=yesterday', /ISO-8601/],
  [['backup', 'run'], '--max-chain=abc', /whole number ≥ 1/],
  [['backup', 'run'], '--max-chain=0', /whole number ≥ 1/],
  [['backup', 'run'], '--bandwidth=fast', /bandwidth/],
  [['backup', 'run'], '--wait=-1', /seconds/],
  [['backup', 'prune'], '--wait=soon', /seconds/],
  [['backup', 'check'], '--read-data=lots', /percentage/],
  [['backup', 'check'], '--read-data=150', /percentage/],
  [['backup', 'init'], '--scrypt-log-n=x', /whole number from 1 to 22/],
  [['backup', 'status'], '--now=soon', /ISO-8601/],
  [['cost'], '--now=2026-13-45T00:00:00Z', /ISO-8601/],
  [['cost'], '--months=three', /whole number/],
  [['cost'], '--budget=lots', /dollars/],
  [['cost'], '--policy=fat', /report or thin/],
  [['cost', 'simulate'], '--months=0', /from 1 to 120/],
  [['cost', 'simulate'], '--budget=-5', /dollars/],
  [['cost', 'simulate'], '--start=2027-13', /YYYY-MM/],
  [['snapshot', 'simulate'], '--days=many', /whole number ≥ 1/],
  [['snapshot', 'simulate'], '--daily=1.5', /whole number/],
  [['snapshot', 'simulate'], '--frequent-minutes=0', /whole number ≥ 1/],
  [['snapshot', 'simulate'], '--start=last-week', /ISO-8601/],
];

for (const [words, bad, expected] of CASES) {
  test(`panther ${words.join(' ')} ${bad}: exit 2 naming the flag`, async () => {
    const flag = bad.split('=')[0]!;
    // Nothing here exists: a flag that were read late would fail on the plan or repository instead.
    const options = COMMANDS.find((c) => c.name === words.join(' '))!.options;
    const extra = ['--daily=7', '--plan=/nonexistent/plan.json', '--repo=/nonexistent/repo', '--state-dir=/nonexistent', '--host=h', '--lock=/nonexistent/lock']
      .filter((a) => a.split('=')[0]!.slice(2) in options && a.split('=')[0] !== flag && !(words[1] === 'simulate' && (a.startsWith('--plan') || a.startsWith('--host'))));
    const r = await runCli(...words, bad, ...extra);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${flag}\\b`));
    assert.match(r.stderr, expected);
  });
}
