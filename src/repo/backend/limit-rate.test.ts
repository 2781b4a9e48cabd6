import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBandwidth, parseBandwidth } from './limit-rate.ts';

test('bandwidth: bit units are decimal, byte units need a capital B', () => {
  const cases: Array<[string, number]> = [
    ['10Mbit', 10e6], ['10 Mbit/s', 10e6], ['10mbit', 10e6], ['10Mbps', 10e6], ['800kbit', 800e3], ['1Gbit/s', 1e9],
    ['2.5Mbit', 2.5e6], ['10000000', 10e6], ['5000bit', 5000], ['1.25MB/s', 10e6], ['1MiB/s', 8 * 1024 * 1024],
    ['100KiB', 8 * 100 * 1024], ['125kB', 1e6], ['125KB/s', 1e6], ['1GB', 8e9],
  ];
  for (const [text, bits] of cases) assert.equal(parseBandwidth(text), bits, text);
});

test('bandwidth: unlimited switches the cap off', () => {
  assert.equal(parseBandwidth('unlimited'), null);
  assert.equal(parseBandwidth('OFF'), null);
});

test('bandwidth: ambiguous or nonsensical values are usage errors', () => {
  for (const text of ['10M', '10mb', '10 MB per second', 'fast', '', '-5Mbit', '0', '999bit', '10Mbit/h']) {
    assert.throws(() => parseBandwidth(text), (e: { code?: string; exitCode?: number }) => e.code === 'bad-bandwidth' && e.exitCode === 2, text);
  }
});

test('bandwidth: printed in link units', () => {
  assert.equal(formatBandwidth(10e6), '10 Mbit/s');
  assert.equal(formatBandwidth(8e5), '800 kbit/s');
  assert.equal(formatBandwidth(1.5e9), '1.5 Gbit/s');
  assert.equal(formatBandwidth(8 * 1024 * 1024), '8.39 Mbit/s');
  assert.equal(formatBandwidth(null), 'unlimited');
});
