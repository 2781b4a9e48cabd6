// Acknowledgements turn warnings and infos into notes that carry the user's reason; errors stay errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan, summarize } from './index.ts';
import { locate, matching, only, plan } from '../../../test/support/lint.ts';

const NIX_NOCOW = { subvolumes: { '@nix': { cow: false, compression: 'none' as const } } };

test('an overridden no-CoW /nix warns until acknowledged, then becomes a note with the reason', () => {
  const bare = plan('zephyrus', { overrides: NIX_NOCOW });
  const subject = locate(bare, '@nix').subject;
  const warning = only(lintPlan(bare), 'nix-nocow', subject);
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.acknowledged, undefined);
  // The override is honoured: the plan really is no-CoW.
  assert.equal(locate(bare, '@nix').sub.cow, false);

  const reason = 'we measured it';
  const acked = plan('zephyrus', { overrides: { ...NIX_NOCOW, acknowledge: { 'nix-nocow': reason } } });
  const note = only(lintPlan(acked), 'nix-nocow', subject);
  assert.equal(note.severity, 'note');
  assert.equal(note.acknowledged, reason);
  assert.equal(summarize(lintPlan(acked)).warning, summarize(lintPlan(bare)).warning - 1);
  assert.deepEqual(matching(lintPlan(acked), 'acknowledgement-unused'), []);
});

test('"id:subject" acknowledges one subject only', () => {
  const p = plan('hetzner', { overrides: { acknowledge: { 'nocow-no-checksums:primary/@redis': 'RDB has its own checksums' } } });
  const findings = lintPlan(p);
  assert.equal(only(findings, 'nocow-no-checksums', locate(p, '@redis').subject).severity, 'note');
  assert.equal(only(findings, 'nocow-no-checksums', locate(p, '@postgresql').subject).severity, 'warning');
});

test('errors cannot be acknowledged; stale or misspelt keys are reported', () => {
  const p = plan('yoga', { overrides: { filesystemOptions: ['compress=zstd:3', 'space_cache=v1'], acknowledge: { 'space-cache-v1': 'legacy', 'nix-nocw': 'typo' } } });
  const findings = lintPlan(p);
  const error = only(findings, 'space-cache-v1', `pool ${p.pools[0]!.name}`);
  assert.equal(error.severity, 'error');
  assert.equal(error.acknowledged, undefined);
  assert.match(only(findings, 'acknowledgement-unused', 'acknowledge space-cache-v1').message, /only errors/);
  assert.match(only(findings, 'acknowledgement-unused', 'acknowledge nix-nocw').message, /matches no finding/);
});

test('findings come errors first, then warnings, infos and notes', () => {
  const p = plan('hetzner', { overrides: { ...NIX_NOCOW, filesystemOptions: ['compress=zstd:3', 'space_cache'], acknowledge: { 'nix-nocow': 'ok' } } });
  const order = { error: 0, warning: 1, info: 2, note: 3 } as const;
  const ranks = lintPlan(p).map((f) => order[f.severity]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.deepEqual(new Set(ranks), new Set([0, 1, 2, 3]));
  const counts = summarize(lintPlan(p));
  assert.equal(counts.error + counts.warning + counts.info + counts.note, lintPlan(p).length);
});
