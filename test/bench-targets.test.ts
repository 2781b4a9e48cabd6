// The benchmark's target evaluation (bench/results.ts): raw-pipeline targets take the best of raw
// and raw2 and name it; restic targets are speed-ups; the month, the large tiny tree and the CLI
// start-up each have a target; a target whose tools did not run says n/a.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../bench/report.ts';
import { bestRaw, evaluateTargets, pantherPeaks, type BenchResults } from '../bench/results.ts';
import { parseOptions, type BenchOptions } from '../bench/options.ts';
import type { Usage } from '../bench/measure.ts';
import { median } from '../bench/cli-startup.ts';

const MiB = 1024 * 1024;
const u = (wallS: number, peakRssMiB = 100): Usage => ({ wallS, userS: wallS, sysS: 0, cpuS: wallS, peakRssMiB });

function results(over: Partial<BenchResults> = {}): BenchResults {
  const options = parseOptions([]) as BenchOptions;
  return {
    options, machine: { cpus: 2, memGiB: 24, kernel: 'k', loadBefore: [0], loadAfter: [0] }, versions: {},
    dataset: { shape: { textFiles: 1, binaryBytes: 1, randomBytes: 1, dbPages: 1 }, changes: { editedFiles: 0, deletedFiles: 0, addedFiles: 0, rewrittenPages: 0, addedBinaryBytes: 0 }, s1: { files: 1, bytes: 1 }, s2: { files: 1, bytes: 1 }, buildSeconds: 1 },
    runs: {}, stored: {}, restoreVerified: {}, rss: [], notes: [], totalSeconds: 1, ...over,
  };
}

const find = (r: BenchResults, start: string) => {
  const t = evaluateTargets(r).find((x) => x.target.startsWith(start));
  assert.ok(t, `no target starting "${start}"`);
  return t;
};

test('bestRaw picks the smaller of raw and raw2 and ignores the other tools', () => {
  assert.deepEqual(bestRaw({ panther: 1, raw: 8, raw2: 5, restic: 0.5 }), { tool: 'raw2', value: 5 });
  assert.deepEqual(bestRaw({ raw: 4, raw2: 5 }), { tool: 'raw', value: 4 });
  assert.deepEqual(bestRaw({ raw2: 3 }), { tool: 'raw2', value: 3 });
  assert.equal(bestRaw({ panther: 1, restic: 2 }), undefined);
  assert.equal(bestRaw(undefined), undefined);
});

test('initial and incremental compare with the faster raw pipeline and name it', () => {
  // 12 s is within 1.25× of raw (10 s) but not of raw2 (8 s): the best one decides.
  const r = results({ runs: { initial: { panther: u(12), raw: u(10), raw2: u(8) }, incremental: { panther: u(1.4), raw: u(1), raw2: u(2) } } });
  const initial = find(r, 'initial backup');
  assert.equal(initial.verdict, 'MISS');
  assert.match(initial.detail, /raw2 8\.00 s = 1\.50×/);
  const incremental = find(r, 'incremental backup');
  assert.equal(incremental.verdict, 'PASS');
  assert.match(incremental.detail, /vs raw 1\.00 s/);
  assert.equal(find(results({ runs: { initial: { panther: u(1), restic: u(2) } } }), 'initial backup').verdict, 'n/a');
});

test('restore and the tiny trees are speed-ups over restic with their own factors', () => {
  const r = results({ runs: {
    restore: { panther: u(10), restic: u(15) },
    tinyIncremental: { panther: u(0.3), restic: u(6) },
    tinyLargeIncremental: { panther: u(0.6), restic: u(59) },
  } });
  assert.equal(find(r, 'restore').verdict, 'PASS'); // 1.5× exactly
  assert.equal(find(r, 'tiny-change incremental (100,000').verdict, 'PASS'); // 20×
  const large = find(r, 'tiny-change incremental (1,000,000');
  assert.equal(large.verdict, 'MISS'); // 98×
  assert.match(large.detail, /98\.3× \(needs ≥ 100×\)/);
  assert.equal(find(results({ runs: { restore: { panther: u(10), restic: u(14.9) } } }), 'restore').verdict, 'MISS');
  // A tree left out (--tiny-files-large 0) is named for what it is, not "0 files".
  const skipped = results({ options: { ...(parseOptions([]) as BenchOptions), tinyFilesLarge: 0 } });
  const none = find(skipped, 'tiny-change incremental (the large tiny tree)');
  assert.equal(none.verdict, 'n/a');
});

test('stored bytes: s1+s2 against the smaller of the best raw and restic; the month 20 % below the best raw and at most restic', () => {
  const r = results({
    stored: { panther: 100 * MiB, raw: 120 * MiB, raw2: 110 * MiB, restic: 99 * MiB },
    month: { days: 30, scale: 0.25, buildSeconds: 1, stored: { panther: 80 * MiB, raw: 100 * MiB, raw2: 105 * MiB, restic: 81 * MiB }, total: {}, pantherStreamBytes: [] },
  });
  const s = find(r, 'stored bytes after s1+s2');
  assert.equal(s.verdict, 'MISS');
  assert.match(s.detail, /vs restic/);
  const month = find(r, 'stored bytes after the month ≥ 20 %');
  assert.equal(month.verdict, 'PASS'); // 0.80× of raw
  assert.match(month.detail, /vs raw 100\.0 MiB/);
  assert.equal(find(r, 'stored bytes after the month ≤ restic').verdict, 'PASS');
  assert.equal(find(results(), 'stored bytes after the month ≥ 20 %').verdict, 'n/a');
});

test('peak RSS counts the month, the RSS check and the remote repository\'s; CLI start-up is at most 1.5× node -e 0', () => {
  const r = results({
    runs: { initial: { panther: u(1, 120), restic: u(1, 300) } },
    month: { days: 1, scale: 1, buildSeconds: 1, stored: {}, total: { panther: u(5, 129) }, pantherStreamBytes: [] },
    cli: { runs: 10, nodeS: 0.1, versionS: 0.15, snapshotListS: 0.16 },
  });
  assert.deepEqual(pantherPeaks(r), [120, 129]);
  assert.equal(find(r, 'panther peak RSS ≤ 128').verdict, 'MISS');
  const local = { runs: { initial: { panther: u(1, 120) } }, rss: [{ streamGb: 2, backup: u(1, 100), restore: u(1, 110) }] };
  assert.equal(find(results(local), 'panther peak RSS ≤ 128').verdict, 'PASS');
  const remote = results({ ...local, remoteRss: { streamGb: 1, backup: u(1, 112), restore: u(1, 140) } });
  assert.deepEqual(pantherPeaks(remote), [120, 100, 110, 112, 140]);
  assert.equal(find(remote, 'panther peak RSS ≤ 128').verdict, 'MISS', 'a remote repository counts as much as a local one');
  assert.equal(find(r, 'CLI start-up (panther --version)').verdict, 'PASS');
  assert.equal(find(r, 'CLI start-up (panther snapshot list)').verdict, 'MISS');
  assert.equal(find(results(), 'CLI start-up (panther --version)').verdict, 'n/a');
  // With the bundle measured, the targets judge it (what the package runs), not the sources.
  const bundled = results({ cli: { runs: 10, nodeS: 0.1, versionS: 0.15, snapshotListS: 0.18, bundle: { versionS: 0.12, snapshotListS: 0.14 } } });
  assert.equal(find(bundled, 'CLI start-up (panther snapshot list)').verdict, 'PASS');
  assert.match(find(bundled, 'CLI start-up (panther snapshot list)').detail, /^bundle, median of 10: .* = 1\.40×/);
  assert.equal(find(results({ cli: { runs: 10, nodeS: 0.1, versionS: 0.12, snapshotListS: 0.14, bundle: { versionS: 0.12, snapshotListS: 0.16 } } }), 'CLI start-up (panther snapshot list)').verdict, 'MISS');
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]));
});

test('the new flags: defaults, 0 skips, --cpu-profile resolves its directory', () => {
  const d = parseOptions([]) as BenchOptions;
  assert.equal(d.tinyFilesLarge, 1_000_000);
  assert.equal(d.monthDays, 30);
  assert.equal(d.cpuProfileDir, undefined);
  assert.deepEqual(d.tools, ['panther', 'restic', 'borg', 'raw', 'raw2']);
  const o = parseOptions(['--tiny-files-large', '0', '--month-days', '0', '--cpu-profile', 'prof']) as BenchOptions;
  assert.equal(o.tinyFilesLarge, 0);
  assert.equal(o.monthDays, 0);
  assert.equal(o.cpuProfileDir, `${process.cwd()}/prof`);
  assert.throws(() => parseOptions(['--month-days=-1']), /non-negative/);
  assert.equal(d.remoteRssGb, 1, 'the remote RSS check runs by default');
  assert.equal((parseOptions(['--remote-rss', '0']) as BenchOptions).remoteRssGb, 0);
  assert.equal((parseOptions(['--remote-rss', '0.05']) as BenchOptions).remoteRssGb, 0.05);
  assert.throws(() => parseOptions(['--remote-rss=-1']), /non-negative/);
});

test('the report\'s RSS table names each repository, the remote one included', () => {
  const report = renderReport(results({ rss: [{ streamGb: 2, backup: u(9, 105), restore: u(3, 109) }], remoteRss: { streamGb: 1, backup: u(8, 128), restore: u(2.8, 136) } }));
  assert.ok(report.includes('| local | 2 | 9.0 | 222 | 9.0 | 105 | 3.0 | 109 |'), report);
  assert.ok(report.includes('| remote (S3 API, local server, 5 MiB parts) | 1 | 8.0 | 125 | 8.0 | 128 | 2.8 | 136 |'), report);
});

test('the report\'s CLI start-up table shows the sources and the bundle, each against node -e 0', () => {
  const report = renderReport(results({ cli: { runs: 10, nodeS: 0.04, versionS: 0.05, snapshotListS: 0.07, bundle: { versionS: 0.042, snapshotListS: 0.058 } } }));
  for (const row of ['| node -e 0 | 0.040 | 1.00 |', '| panther --version (sources) | 0.050 | 1.25 |', '| panther snapshot list (sources) | 0.070 | 1.75 |',
    '| panther --version (bundle) | 0.042 | 1.05 |', '| panther snapshot list (bundle) | 0.058 | 1.45 |']) assert.ok(report.includes(row), `missing ${row}`);
  assert.ok(!renderReport(results({ cli: { runs: 10, nodeS: 0.04, versionS: 0.05, snapshotListS: 0.07 } })).includes('(bundle)'), 'no bundle rows when it was not measured');
});

test('restores: --restore-rounds defaults to 2 (at least 1), and the report lists every round beside the fastest', () => {
  assert.equal((parseOptions([]) as BenchOptions).restoreRounds, 2);
  assert.equal((parseOptions(['--restore-rounds', '3']) as BenchOptions).restoreRounds, 3);
  assert.equal((parseOptions(['--restore-rounds', '0']) as BenchOptions).restoreRounds, 1);
  assert.throws(() => parseOptions(['--restore-rounds', 'x']), /--restore-rounds/);
  const r = results({ runs: { restore: { panther: u(5.1), restic: u(7.8) } }, restoreRounds: { panther: [7.08, 5.1], restic: [7.84, 7.8] } });
  const text = renderReport(r);
  assert.match(text, /fastest of 2 restores per tool, interleaved; every round's wall s: panther 7\.08, 5\.10; restic 7\.84, 7\.80/);
  assert.equal(find(r, 'restore').verdict, 'PASS', 'the target judges the fastest round (7.8 ÷ 5.1 ≥ 1.5)');
  const one = results({ options: parseOptions(['--restore-rounds', '1']) as BenchOptions, runs: { restore: { panther: u(5.1) } }, restoreRounds: { panther: [5.1] } });
  assert.doesNotMatch(renderReport(one), /fastest of/);
});
