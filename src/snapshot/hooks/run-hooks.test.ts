// Ordering and failure semantics of runSnapshotWithHooks, with in-memory hooks that record what
// ran in one shared journal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HookConfig } from '../../plan/types.ts';
import type { BoundHook, HookContext, SnapshotHook } from './types.ts';
import { runBoundHooks, runSnapshotWithHooks } from './run-hooks.ts';
import { PantherError } from '../../core/errors.ts';

type Behaviour = 'ok' | 'fail' | 'hang';

interface FakeOptions {
  before?: Behaviour;
  after?: Behaviour;
  failMode?: 'closed' | 'open';
  timeoutMs?: number;
}

function harness() {
  const journal: string[] = [];
  const signals: Array<{ name: string; signal: AbortSignal }> = [];
  const act = async (name: string, phase: string, how: Behaviour, ctx: HookContext): Promise<string> => {
    journal.push(`${name}.${phase}`);
    signals.push({ name: `${name}.${phase}`, signal: ctx.signal });
    if (how === 'fail') throw new PantherError('fake', `${name} ${phase} broke`, { hint: `repair ${name}` });
    if (how === 'hang') await new Promise(() => {});
    return `${name} ${phase} ok`;
  };
  const hook = (name: string, opts: FakeOptions = {}): BoundHook => ({
    hook: {
      name,
      before: (ctx) => act(name, 'before', opts.before ?? 'ok', ctx),
      after: (ctx) => act(name, 'after', opts.after ?? 'ok', ctx),
    } satisfies SnapshotHook,
    failMode: opts.failMode ?? 'closed',
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
  const ctx = (signal = new AbortController().signal) => ({ subvolumePath: '/srv/@db', signal, log: (line: string) => journal.push(`log ${line}`) });
  const snapshot = async (): Promise<string> => {
    journal.push('snapshot');
    return 'snap-1';
  };
  const steps = (): string[] => journal.filter((j) => !j.startsWith('log '));
  return { journal, signals, hook, ctx, snapshot, steps };
}

describe('runSnapshotWithHooks', () => {
  test('befores in order, the snapshot, afters in reverse order', async () => {
    const h = harness();
    const run = await runBoundHooks([h.hook('a'), h.hook('b'), h.hook('c')], h.ctx(), h.snapshot);
    assert.deepEqual(h.steps(), ['a.before', 'b.before', 'c.before', 'snapshot', 'c.after', 'b.after', 'a.after']);
    assert.equal(run.result, 'snap-1');
    assert.equal(run.degraded, false);
    assert.deepEqual(run.outcomes.map((o) => `${o.hook}.${o.phase}:${o.ok}`), ['a.before:true', 'b.before:true', 'c.before:true', 'c.after:true', 'b.after:true', 'a.after:true']);
    for (const o of run.outcomes) {
      assert.equal(o.degraded, false);
      assert.ok(o.durationMs >= 0);
      assert.equal(o.message, `${o.hook} ${o.phase} ok`);
    }
  });

  test('no hooks: just the snapshot', async () => {
    const h = harness();
    const run = await runBoundHooks([], h.ctx(), h.snapshot);
    assert.deepEqual(run, { result: 'snap-1', outcomes: [], degraded: false });
  });

  test('fail-closed before: no snapshot, afters of the started hooks, hook-failed naming hook and cause', async () => {
    const h = harness();
    const error = await runBoundHooks([h.hook('a'), h.hook('b', { before: 'fail' }), h.hook('c')], h.ctx(), h.snapshot).then(
      () => assert.fail('should have thrown'), (e: unknown) => e,
    );
    assert.deepEqual(h.steps(), ['a.before', 'b.before', 'b.after', 'a.after']);
    assert.ok(error instanceof PantherError);
    assert.equal(error.code, 'hook-failed');
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /hook b failed before the snapshot of \/srv\/@db: b before broke; no snapshot was taken/);
    assert.match(error.hint ?? '', /^repair b; or set failMode "open"/);
    assert.equal((error.cause as PantherError).code, 'fake');
    const outcomes = error.details?.['outcomes'] as Array<{ hook: string; phase: string; ok: boolean; degraded: boolean }>;
    assert.deepEqual(outcomes.map((o) => `${o.hook}.${o.phase}:${o.ok}:${o.degraded}`), ['a.before:true:false', 'b.before:false:false', 'b.after:true:false', 'a.after:true:false']);
  });

  test('fail-open before: snapshot taken, outcome not ok and degraded, run degraded', async () => {
    const h = harness();
    const run = await runBoundHooks([h.hook('a', { before: 'fail', failMode: 'open' }), h.hook('b')], h.ctx(), h.snapshot);
    assert.deepEqual(h.steps(), ['a.before', 'b.before', 'snapshot', 'b.after', 'a.after']);
    assert.equal(run.degraded, true);
    assert.deepEqual(run.outcomes[0], { ...run.outcomes[0], hook: 'a', phase: 'before', ok: false, degraded: true, message: 'a before broke' });
    assert.ok(h.journal.some((j) => j.startsWith('log a: before failed (fail-open)')));
  });

  test('a failed snapshot is rethrown after every after ran', async () => {
    const h = harness();
    const boom = new Error('btrfs said no');
    await assert.rejects(runBoundHooks([h.hook('a'), h.hook('b')], h.ctx(), async () => { throw boom; }), (e) => e === boom);
    assert.deepEqual(h.steps(), ['a.before', 'b.before', 'b.after', 'a.after']);
  });

  test('a failing after is recorded, the others still run, the snapshot stands', async () => {
    const h = harness();
    const run = await runBoundHooks([h.hook('a'), h.hook('b', { after: 'fail', failMode: 'open' })], h.ctx(), h.snapshot);
    assert.deepEqual(h.steps(), ['a.before', 'b.before', 'snapshot', 'b.after', 'a.after']);
    assert.equal(run.result, 'snap-1');
    assert.equal(run.degraded, false, 'an after failure does not make the snapshot inconsistent');
    assert.deepEqual(run.outcomes.map((o) => `${o.hook}.${o.phase}:${o.ok}`), ['a.before:true', 'b.before:true', 'b.after:false', 'a.after:true']);
  });

  test('a before that ignores its signal is cut off at the timeout; its after still runs', async () => {
    const h = harness();
    const started = performance.now();
    await assert.rejects(runBoundHooks([h.hook('slow', { before: 'hang', timeoutMs: 80 })], h.ctx(), h.snapshot), (e: PantherError) => {
      assert.equal(e.code, 'hook-failed');
      assert.match(e.message, /slow before did not finish within 0\.08 s/);
      return true;
    });
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(h.steps(), ['slow.before', 'slow.after']);
    assert.equal(h.signals[0]?.signal.aborted, true, 'the hook saw its signal abort');
    assert.equal(h.signals[1]?.signal.aborted, false, 'the after got a fresh time limit');
  });

  test('a fail-open timeout degrades instead', async () => {
    const h = harness();
    const run = await runBoundHooks([h.hook('slow', { before: 'hang', timeoutMs: 50, failMode: 'open' })], h.ctx(), h.snapshot);
    assert.equal(run.degraded, true);
    assert.match(run.outcomes[0]?.message ?? '', /did not finish within/);
  });

  test('an after that hangs is cut off too, and the run finishes', async () => {
    const h = harness();
    const run = await runBoundHooks([h.hook('a', { after: 'hang', timeoutMs: 50 })], h.ctx(), h.snapshot);
    assert.equal(run.outcomes[1]?.ok, false);
    assert.match(run.outcomes[1]?.message ?? '', /a after did not finish within/);
  });

  test('an interrupt stops the befores and the snapshot, but not the afters', async () => {
    const h = harness();
    const controller = new AbortController();
    const interrupting: BoundHook = {
      ...h.hook('a'),
      hook: { name: 'a', before: async () => { h.journal.push('a.before'); controller.abort(); return 'ok'; }, after: async (ctx) => { h.journal.push(`a.after aborted=${ctx.signal.aborted}`); return 'ok'; } },
    };
    await assert.rejects(runBoundHooks([interrupting, h.hook('b')], h.ctx(controller.signal), h.snapshot), { code: 'interrupted', exitCode: 130 });
    assert.deepEqual(h.steps(), ['a.before', 'a.after aborted=false']);
  });

  test('configs are turned into hooks by the factory, with their fail mode and timeout', async () => {
    const h = harness();
    const configs: HookConfig[] = [
      { type: 'command', name: 'one', before: ['x'], failMode: 'open', timeoutSeconds: 0.05 },
      { type: 'redis', mode: 'save', failMode: 'closed', timeoutSeconds: 5 },
    ];
    const made: string[] = [];
    const create = (config: HookConfig): SnapshotHook => {
      made.push(config.type);
      return h.hook(config.type, { before: config.type === 'command' ? 'hang' : 'ok' }).hook;
    };
    const run = await runSnapshotWithHooks(configs, h.ctx(), h.snapshot, create);
    assert.deepEqual(made, ['command', 'redis']);
    assert.equal(run.degraded, true, 'the hanging fail-open command timed out after 50 ms');
    assert.deepEqual(h.steps(), ['command.before', 'redis.before', 'snapshot', 'redis.after', 'command.after']);
  });

  test('a non-positive timeout is a configuration error, before anything runs', async () => {
    const h = harness();
    const bad: HookConfig = { type: 'redis', mode: 'save', failMode: 'closed', timeoutSeconds: 0 };
    await assert.rejects(runSnapshotWithHooks([bad], h.ctx(), h.snapshot), { code: 'hook-bad-config', exitCode: 2 });
    assert.deepEqual(h.steps(), []);
  });
});
