// plan-shape.ts against the zod schema it stands in for: over every one-value change of two spec
// hosts' plans (one with hooks of every type, a swapfile, acknowledged rules and a time zone added), it
// accepts exactly what the schema accepts, and gives the same value, key order included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSchema } from '../core/schema.ts';
import { storagePlan } from './schema.ts';
import { wellFormedPlan } from './plan-shape.ts';
import { SPEC_HOSTS, specPlan } from '../../test/support/plans.ts';

type Json = unknown;
type Path = Array<string | number>;

const VALUES: Json[] = [
  undefined, null, 0, 1, -1, 1.5, 0.0005, 15, 16, -15, -16, 1439, 1440, 65_535, 65_536, 86_400, 86_401, 525_600, 525_601, 1e9 + 1, 1e15, 1e16, 2 ** 53,
  '', 'x', ' x', 'x\n', 'a\u0000b', '__proto__', 'constructor', true, false, [], {}, ['x'], [''], [1], { x: 'y' },
  'zstd', 'ZSTD', 'daily', 'Daily', 'hourly', 'never', 'esp', 'uefi', 'laptop', 'inventory', 'closed', 'save', 'bgsave',
  'postgres', 'redis', 'podman', 'command', 'shell', 'UTC', 'utc', 'Europe/Berlin', 'europe/berlin', 'US/Pacific', 'Mars/Olympus',
  '02:00-05:00', '02:00-02:00', '25:00-01:00', '2:00-5:00',
];

function bases(): Json[] {
  const out: Json[] = [specPlan('zephyrus')];
  const rich = structuredClone(specPlan('hetzner')) as unknown as Record<string, any>;
  rich['snapshots'].timezone = 'Europe/Berlin';
  rich['acknowledged'] = { 'some-rule': 'because' };
  const sub = rich['pools'][0].subvolumes[0];
  sub.swapfile = { path: 'swapfile', sizeBytes: 1024 };
  sub.hooks = [
    { type: 'postgres', failMode: 'closed', timeoutSeconds: 30, host: 'localhost', port: 5432, user: 'postgres', database: 'app' },
    { type: 'redis', failMode: 'open', timeoutSeconds: 5, socket: '/run/redis.sock', mode: 'save', passwordFile: '/run/secrets/redis' },
    { type: 'podman', failMode: 'open', timeoutSeconds: 60, containers: ['web'] },
    { type: 'command', failMode: 'closed', timeoutSeconds: 10, name: 'flush', before: ['sync'], after: ['true'] },
  ];
  out.push(rich);
  return out;
}

function* mutations(base: Json, path: Path = []): Generator<{ path: Path; value: Json }> {
  for (const v of VALUES) yield { path, value: v };
  if (Array.isArray(base)) {
    // Items of one list share a shape: the first one is changed in every way, the others stay.
    if (base.length > 0) yield* mutations(base[0], [...path, 0]);
    yield { path: [...path, base.length], value: base[0] ?? 'x' };
  } else if (typeof base === 'object' && base !== null) {
    for (const [k, v] of Object.entries(base)) yield* mutations(v, [...path, k]);
    for (const k of ['extra', '__proto__', 'constructor']) yield { path: [...path, k], value: 'x' };
  }
}

function setAt(base: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(base) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined && !Array.isArray(node)) delete node[last];
  // An own "__proto__" key, as JSON.parse makes one.
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

test('plan-shape accepts exactly the plans the schema accepts, with the same value', () => {
  let accepted = 0;
  let refused = 0;
  for (const base of bases()) {
    // Through JSON, as read from a file: only JSON's values, keys in the file's order.
    const original = JSON.parse(JSON.stringify(base)) as Json;
    assert.notEqual(wellFormedPlan(original), undefined, 'a spec host\'s plan is recognised');
    for (const { path, value } of mutations(original)) {
      const input = setAt(original, path, value);
      const mine = wellFormedPlan(input);
      const zod = checkSchema(storagePlan, input, ['pools']);
      const where = `${path.join('.')} = ${JSON.stringify(value)}`;
      assert.equal(mine !== undefined, zod.ok, `${where}: plan-shape ${mine === undefined ? 'refused' : 'accepted'}, the schema ${zod.ok ? 'accepted' : `refused (${zod.problems[0]?.message})`}`);
      if (mine !== undefined && zod.ok) {
        accepted += 1;
        assert.equal(JSON.stringify(mine), JSON.stringify(zod.value), where);
      } else {
        refused += 1;
      }
    }
  }
  assert.ok(accepted > 500 && refused > 5000, `${accepted} accepted, ${refused} refused: too few to compare`);
});

test('the plan is a copy with the schema\'s default: acknowledged {} last', () => {
  const input = JSON.parse(JSON.stringify(specPlan('yoga'))) as Record<string, unknown>;
  delete input['acknowledged'];
  const plan = wellFormedPlan(input)!;
  assert.deepEqual(plan.acknowledged, {});
  assert.equal(Object.keys(plan).at(-1), 'acknowledged');
  plan.pools[0]!.name = 'changed';
  assert.notEqual((input['pools'] as Array<{ name: string }>)[0]!.name, 'changed');
});

test('every spec host\'s plan is recognised without the schema, as the schema reads it', () => {
  for (const host of Object.keys(SPEC_HOSTS)) {
    const input = JSON.parse(JSON.stringify(specPlan(host))) as Json;
    const zod = checkSchema(storagePlan, input, ['pools']);
    assert.ok(zod.ok, host);
    assert.equal(JSON.stringify(wellFormedPlan(input)), JSON.stringify(zod.value), host);
  }
});
