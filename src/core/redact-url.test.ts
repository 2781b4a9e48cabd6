import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl, scrubSecrets, urlSecrets } from './redact-url.ts';

const KEY = 'K005abc/def+ghi';

test('everything before the last @ goes, even when a / or @ in the key defeats URL parsers', () => {
  assert.equal(redactUrl(`s3://0051234:${KEY}@bucket/fleet`), 's3://[redacted]@bucket/fleet');
  assert.equal(redactUrl('s3://id:se@cret@bucket/p'), 's3://[redacted]@bucket/p');
  assert.equal(redactUrl(`repository URL s3://id:${KEY}@bucket: not a URL`), 'repository URL s3://[redacted]@bucket: not a URL');
  assert.equal(redactUrl(`s3:/id:${KEY}@bucket`), 's3:/[redacted]@bucket');
  assert.equal(redactUrl(`b2://id:${KEY}@bucket`), 'b2://[redacted]@bucket');
});

test('every query value and the fragment go; the repository URL parameter names stay', () => {
  assert.equal(redactUrl('s3://b/p?region=us-west-004&credentials=/run/secrets/b2&x='), 's3://b/p?region=[redacted]&credentials=[redacted]&[redacted]=');
  assert.equal(redactUrl(`s3://b?region=r&applicationKey=${KEY}#frag`), 's3://b?region=[redacted]&[redacted]=[redacted]#[redacted]');
  assert.equal(redactUrl(`s3://b?region=r&${KEY}`), 's3://b?region=[redacted]&[redacted]');
  assert.equal(redactUrl(`--repo 's3://b?credentials=${KEY}' failed`), "--repo 's3://b?credentials=[redacted]' failed");
});

test('a password without a user (host:word) goes; a port stays; text without URLs is unchanged', () => {
  assert.equal(redactUrl('s3://bucket:s3cr3t/p'), 's3://bucket:[redacted]/p');
  assert.equal(redactUrl('endpoint http://127.0.0.1:9000 refused'), 'endpoint http://127.0.0.1:9000 refused');
  assert.equal(redactUrl('s3://backups/fleet'), 's3://backups/fleet');
  for (const text of ['hint: pass --host NAME', 'at 2026-11-24T02:00:00Z', '/var/lib/panther/repo', '/mnt/@backups/repo', 'node:child_process']) {
    assert.equal(redactUrl(text), text);
  }
});

test('urlSecrets: the parts to scrub from whole outputs, typed and decoded; shown parameters kept', () => {
  const secrets = urlSecrets(`s3://0051234abcd:${KEY}@b/p?region=us-west-004&credentials=/run/a%20b&colour=${KEY}#frag1`, new Set(['region']));
  for (const s of [`0051234abcd:${KEY}`, KEY, '0051234abcd', '/run/a%20b', '/run/a b', 'frag1']) assert.ok(secrets.includes(s), s);
  assert.ok(!secrets.includes('us-west-004'));
  assert.deepEqual(urlSecrets('/var/lib/panther/repo'), []);
  assert.equal(scrubSecrets(`key ${KEY} and K005abc`, [KEY]), 'key [redacted] and K005abc');
});

test('an @ inside a query value or fragment: nothing of that value shows, the next parameters do', () => {
  assert.equal(redactUrl('s3://b/p?region=r&applicationKey=ab@cd/ef&partSize=5'), 's3://[redacted]@[redacted]&partSize=[redacted]');
  assert.equal(redactUrl('s3://b/p?applicationKey=ab@cd/ef'), 's3://[redacted]@[redacted]');
  assert.equal(redactUrl('s3://b/p?x=1#ab@cd'), 's3://[redacted]@[redacted]');
  assert.equal(redactUrl('s3://id:a?b@bucket/p?region=x'), 's3://[redacted]@[redacted]');
});

test('redacting twice changes nothing more', () => {
  for (const url of [`s3://id:${KEY}@b/p?region=r&x=1#f`, 's3://b/p?applicationKey=ab@cd&partSize=5', 's3://bucket:pw/p']) {
    assert.equal(redactUrl(redactUrl(url)), redactUrl(url));
  }
});
