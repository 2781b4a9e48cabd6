import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { cleanTag, dogstatsdTarget, sendGauges, tagList } from './send.ts';

test('dogstatsdTarget: Datadog defaults, DD_* overrides, PANTHER_METRICS=off', () => {
  assert.deepEqual(dogstatsdTarget({}), { host: '127.0.0.1', port: 8125, tags: [] });
  assert.deepEqual(dogstatsdTarget({ DD_AGENT_HOST: 'agent', DD_DOGSTATSD_PORT: '9125', DD_TAGS: 'env:prod, team:ops' }), { host: 'agent', port: 9125, tags: ['env:prod', 'team:ops'] });
  assert.equal(dogstatsdTarget({ PANTHER_METRICS: 'OFF' }), null);
  assert.throws(() => dogstatsdTarget({ DD_DOGSTATSD_PORT: '70000' }), { code: 'metrics-config-invalid' });
  assert.throws(() => dogstatsdTarget({ DD_DOGSTATSD_PORT: '81x' }), { code: 'metrics-config-invalid' });
});

test('tagList: separators of the DogStatsD format never reach the datagram', () => {
  assert.equal(cleanTag('a|b,c#d\ne'), 'a_b_c_d_e');
  assert.deepEqual(tagList({ host: 'h1', subvol: '@x|#y' }), ['host:h1', 'subvol:@x__y']);
});

test('sendGauges: the datagrams a real UDP socket receives', async () => {
  const socket = createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(...m.toString('utf8').split('\n').filter((l) => l !== '')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  try {
    const port = socket.address().port;
    const failed = await sendGauges({ host: '127.0.0.1', port, tags: ['env:test'] }, [
      { name: 'pantheros.disk.usage', tags: { host: 'h1', device: '/dev/sda' }, value: 87.5 },
      { name: 'pantheros.snapshot.age', tags: { host: 'h1' }, value: 2 },
    ]);
    assert.equal(failed, 0);
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got.sort(), [
      'pantheros.disk.usage:87.5|g|#env:test,host:h1,device:/dev/sda',
      'pantheros.snapshot.age:2|g|#env:test,host:h1',
    ]);
  } finally {
    socket.close();
  }
});
