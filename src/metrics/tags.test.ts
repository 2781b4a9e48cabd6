import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TAG_LENGTH, parseDdTags, sanitizeTags, sanitizeTagValue } from './tags.ts';

test('a tag value never carries a DogStatsD separator, whitespace or a control character', () => {
  assert.equal(sanitizeTagValue('a|b,c#d:e f\ng\u0000h@i'), 'a_b_c_d_e_f_g_h_i');
  assert.equal(sanitizeTagValue('@home'), '_home');
  assert.equal(sanitizeTagValue(''), 'none');
  assert.equal(sanitizeTagValue('postgres /run/postgresql'), 'postgres_/run/postgresql');
});

test('property: any string becomes a value that is safe and within the tag limit', () => {
  const alphabet = 'ab|,#:@ \t\n\u0001é/._-€';
  for (let seed = 1; seed < 2000; seed++) {
    let s = '';
    let x = seed;
    const len = seed % 400;
    for (let i = 0; i < len; i++) { x = (x * 1103515245 + 12345) >>> 0; s += alphabet[x % alphabet.length]; }
    const v = sanitizeTagValue(s, 'subvol');
    assert.ok(!/[|,#:@\s\p{Cc}]/u.test(v), JSON.stringify(v));
    assert.ok(v.length >= 1 && `subvol:${v}`.length <= MAX_TAG_LENGTH);
  }
});

test('sanitizeTags sorts keys, so one series has one identity', () => {
  assert.deepEqual(Object.keys(sanitizeTags({ subvol: '@db', host: 'h', hook: 'x' })), ['hook', 'host', 'subvol']);
});

test('DD_TAGS: comma or space separated, bare keys kept, bad keys dropped, values sanitised', () => {
  assert.deepEqual(parseDdTags('env:prod,team:infra'), ['env:prod', 'team:infra']);
  assert.deepEqual(parseDdTags('env:prod team:infra  region:eu-1'), ['env:prod', 'team:infra', 'region:eu-1']);
  assert.deepEqual(parseDdTags('env:prod, beta'), ['env:prod', 'beta']);
  assert.deepEqual(parseDdTags('url:http://x|y,#bad:1,:nokey'), ['url:http_//x_y']);
  assert.deepEqual(parseDdTags(undefined), []);
  assert.deepEqual(parseDdTags(''), []);
});
