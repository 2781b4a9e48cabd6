import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, parseListen } from './listen.ts';

test('parseListen: loopback addresses, IPv6 in brackets, an empty host is loopback', () => {
  assert.deepEqual(parseListen('127.0.0.1:9977', false), { host: '127.0.0.1', port: 9977, loopback: true });
  assert.deepEqual(parseListen('[::1]:0', false), { host: '::1', port: 0, loopback: true });
  assert.deepEqual(parseListen(':9100', false), { host: '127.0.0.1', port: 9100, loopback: true });
  assert.deepEqual(parseListen('127.1.2.3:1', false).loopback, true);
});

test('parseListen: a non-loopback address only with --allow-remote', () => {
  assert.throws(() => parseListen('0.0.0.0:9977', false), { code: 'metrics-listen-remote', exitCode: 2 });
  assert.throws(() => parseListen('[::]:9977', false), { code: 'metrics-listen-remote' });
  assert.throws(() => parseListen('192.168.1.5:9977', false), { code: 'metrics-listen-remote' });
  assert.deepEqual(parseListen('0.0.0.0:9977', true), { host: '0.0.0.0', port: 9977, loopback: false });
});

test('parseListen: names, missing or bad ports are usage errors', () => {
  for (const bad of ['localhost:9977', '127.0.0.1', '127.0.0.1:99999', '1.2.3.4.5:80', '127.0.0.1:80; rm -rf /', '']) {
    assert.throws(() => parseListen(bad, true), { code: 'usage', exitCode: 2 }, bad);
  }
  assert.throws(() => parseListen('localhost:9977', true), /localhost is not an IP address/);
  assert.throws(() => parseListen('[]:9977', true), /is not an IP address/);
  assert.equal(isLoopback('::ffff:127.0.0.1'), true);
  assert.equal(isLoopback('128.0.0.1'), false);
});
