import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactXattrs, describeXattrDifference } from './xattr-diff.ts';

test('equal xattrs: null; each kind of difference named, values never shown', () => {
  const a = new Map([['user.a', '01'], ['user.b', '02'], ['security.capability', 'ff']]);
  assert.equal(describeXattrDifference(a, new Map(a)), null);
  const b = new Map([['user.a', '09'], ['security.capability', 'ff'], ['user.c', '03']]);
  assert.equal(describeXattrDifference(a, b), 'xattrs differ: "user.a" value differs, "user.b" missing, "user.c" unexpected');
});

test('long values are held as a digest: equal stays equal, a changed byte still differs', () => {
  const long = 'ab'.repeat(5000);
  const one = compactXattrs(new Map([['user.big', long]]));
  assert.match(one.get('user.big')!, /^sha256:[0-9a-f]{64}$/);
  assert.equal(describeXattrDifference(one, compactXattrs(new Map([['user.big', long]]))), null);
  assert.notEqual(describeXattrDifference(one, compactXattrs(new Map([['user.big', `${long.slice(0, -2)}ac`]]))), null);
});
