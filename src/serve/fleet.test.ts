import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFleet } from './fleet.ts';

async function fleetOf(text: string): Promise<ReturnType<typeof readFleet>> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-fleet-'));
  try {
    await writeFile(join(dir, 'fleet.json'), text);
    return await readFleet(join(dir, 'fleet.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a fleet file: hosts sorted, trailing slashes gone', async () => {
  assert.deepEqual(await fleetOf('{ "yoga": "http://100.64.0.12:9720/", "hetzner": "https://backup-status.example.org" }'),
    [{ host: 'hetzner', url: 'https://backup-status.example.org' }, { host: 'yoga', url: 'http://100.64.0.12:9720' }]);
});

test('hostile names and URLs are refused, naming the bad value', async () => {
  for (const bad of [
    '{ "../x": "http://a:1" }', '{ "a b": "http://a:1" }', '{ "a": "file:///etc/passwd" }', '{ "a": "http://user:pw@a:1" }',
    '{ "a": "javascript:alert(1)" }', '{ "a": "http://a:1/?q=1" }', '{ "__proto__": "http://a:1" }', '[]', 'not json',
  ]) {
    await assert.rejects(fleetOf(bad), (e: Error & { code?: string }) => e.code === 'serve-fleet-invalid', bad);
  }
  await assert.rejects(readFleet('/nonexistent/fleet.json'), (e: Error & { code?: string }) => e.code === 'serve-fleet-unreadable');
});
