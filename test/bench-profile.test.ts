// The CPU-profile summary of the benchmark (bench/profile.ts): self time from samples and time
// deltas, grouped by function and by file, paths shortened, sorted, cut to the top N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortUrl, summariseProfile, type CpuProfile } from '../bench/profile.ts';

const ROOT = '/work/repo';
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

// Node 1 is the root, 2 (program) idle time, 3 and 4 two functions of one file, 5 the same function
// as 3 reached by another path (must add up with 3), 6 a package function.
const profile: CpuProfile = {
  startTime: 1_000_000,
  endTime: 1_010_000, // 10 ms
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 6] },
    { id: 2, callFrame: frame('(idle)', '') },
    { id: 3, callFrame: frame('scan', `file://${ROOT}/src/repo/chunker/fastcdc.ts`, 37), children: [4, 5] },
    { id: 4, callFrame: frame('', `file://${ROOT}/src/repo/chunker/fastcdc.ts`, 71) },
    { id: 5, callFrame: frame('scan', `file://${ROOT}/src/repo/chunker/fastcdc.ts`, 37) },
    { id: 6, callFrame: frame('decrypt', `file://${ROOT}/node_modules/age-encryption/dist/index.js`, 9) },
  ],
  // Sample i lasts until sample i+1; the last until endTime.
  samples: [3, 3, 2, 4, 5, 6],
  timeDeltas: [0, 1000, 2000, 1000, 1000, 1000], // stamps 0,1,3,4,5,6 ms → spans 1,2,1,1,1,4 ms
};

test('self time per function from samples and time deltas, the same function added up', () => {
  const s = summariseProfile(profile, ROOT, 10);
  assert.equal(s.totalMs, 10);
  assert.deepEqual(s.functions.map((f) => [f.name, f.location, f.selfMs]), [
    ['decrypt', 'node_modules/age-encryption/dist/index.js:10', 4],
    ['scan', 'src/repo/chunker/fastcdc.ts:38', 4], // 1 + 2 (node 3) + 1 (node 5)
    ['(anonymous)', 'src/repo/chunker/fastcdc.ts:72', 1],
    ['(idle)', '', 1],
  ]);
  assert.equal(s.functions[0]!.selfPct, 40);
});

test('self time per file, V8 entries under their own name', () => {
  const s = summariseProfile(profile, ROOT, 10);
  assert.deepEqual(s.files.map((f) => [f.name, f.selfMs]), [
    ['src/repo/chunker/fastcdc.ts', 5],
    ['node_modules/age-encryption/dist/index.js', 4],
    ['(idle)', 1],
  ]);
});

test('top N cuts the list', () => {
  assert.equal(summariseProfile(profile, ROOT, 2).functions.length, 2);
});

test('without samples the duration is spread over hit counts', () => {
  const s = summariseProfile({ startTime: 0, endTime: 4000, nodes: [
    { id: 1, callFrame: frame('a', `file://${ROOT}/a.ts`), hitCount: 3 },
    { id: 2, callFrame: frame('b', `file://${ROOT}/b.ts`), hitCount: 1 },
  ] }, ROOT);
  assert.deepEqual(s.functions.map((f) => [f.name, f.selfMs]), [['a', 3], ['b', 1]]);
});

test('shortUrl: relative to the root, node_modules from the package, node: and wasm urls kept', () => {
  assert.equal(shortUrl(`file://${ROOT}/src/x.ts`, ROOT), 'src/x.ts');
  assert.equal(shortUrl(`file://${ROOT}/node_modules/.pnpm/a/node_modules/zstd/x.js`, `${ROOT}/`), 'node_modules/zstd/x.js');
  assert.equal(shortUrl('node:internal/crypto/hash', ROOT), 'node:internal/crypto/hash');
  assert.equal(shortUrl('file:///elsewhere/y.ts', ROOT), '/elsewhere/y.ts');
  assert.equal(shortUrl('', ROOT), '');
});
