// The hand-written sidecar reader against the zod schema it stands in for (meta-schema.ts): every
// one-value change of a good sidecar is accepted or refused by both, with the same value when
// accepted and the same first path when refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotMetaSchema } from './meta-schema.ts';
import { checkSidecar, parseSidecar } from './sidecar.ts';

const good = {
  formatVersion: 1, name: '@home.20261124T020000Z', host: 'yoga', pool: 'primary', subvolume: '@home', time: '2026-11-24T02:00:00.000Z',
  origin: 'timeline', tiers: ['daily', 'hourly'], tags: ['a'], description: null, creator: 'root@panther', pinned: true, holds: ['backup:parent'],
  hooks: [{ hook: 'postgres', phase: 'before', ok: true, degraded: false, durationMs: 12, message: 'CHECKPOINT' }], degraded: false,
  command: { argv: ['true'], exitCode: 0 }, uuid: 'u-1', toolVersion: 'panther 0.1.0',
};

const VALUES: unknown[] = [
  undefined, null, 0, 1, -1, 1.5, 2 ** 53, Number.POSITIVE_INFINITY, Number.NaN, '', 'x', 'yesterday', true, false, [], {}, ['x'], [1], { hook: 'x' },
  'timeline', 'backup', 'wrap-post', 'daily', 'yearly', 'weekly ', 'before', 'after',
  '2026-11-24T02:00:00Z', '2026-11-24T02:00Z', '2026-11-24T02:00:00+01:00', '2024-02-29T00:00:00.123456Z', '2026-02-29T00:00:00Z', '2026-11-24 02:00:00Z', '2026-13-01T00:00:00Z',
];

type Json = unknown;

/** Every (path, value) one-value change of `base`, keys dropped and added too. */
function* mutations(base: Json, path: Array<string | number> = []): Generator<{ path: Array<string | number>; value: Json }> {
  for (const v of VALUES) yield { path, value: v };
  if (Array.isArray(base)) {
    for (let i = 0; i < base.length; i++) yield* mutations(base[i], [...path, i]);
    yield { path: [...path, base.length], value: base[0] ?? 'x' };
  } else if (typeof base === 'object' && base !== null) {
    for (const [k, v] of Object.entries(base)) yield* mutations(v, [...path, k]);
    yield { path: [...path, 'extra'], value: 1 };
  }
}

function setAt(base: Json, path: Array<string | number>, value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(base) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

test('the sidecar reader accepts and refuses what the zod schema does, value by value', () => {
  let accepted = 0;
  let refused = 0;
  for (const { path, value } of mutations(good)) {
    const input = setAt(good, path, value);
    const zod = snapshotMetaSchema.safeParse(input);
    const mine = checkSidecar(input);
    const where = `${path.join('.')} = ${String(value)}`;
    assert.equal(mine.ok, zod.success, where);
    if (zod.success && mine.ok) {
      accepted += 1;
      assert.equal(JSON.stringify(mine.meta), JSON.stringify(zod.data), where);
    } else if (!zod.success && !mine.ok) {
      refused += 1;
      assert.equal(mine.issues[0]!.path, zod.error.issues[0]!.path.join('.'), where);
    }
  }
  assert.ok(accepted > 20 && refused > 200, `${accepted} accepted, ${refused} refused: the mutations are too few to compare`);
});

test('a refused sidecar names the bad key in the problem', () => {
  const r = parseSidecar(JSON.stringify({ ...good, hooks: [{ ...good.hooks[0], phase: 'during' }] }), { name: good.name, subvolume: good.subvolume });
  assert.match('problem' in r ? r.problem : '', /^wrong shape \(hooks\.0\.phase: /);
});
