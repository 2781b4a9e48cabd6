import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { isPantherError } from './errors.ts';
import { checkSchema, formatPath, parseWithSchema, record, shownValue, text, whole } from './schema.ts';

const opts = { code: 'x-invalid', what: 'an x file', hint: 'fix it', namedArrays: ['pools'] };

test('paths read like the file: named pools, indices, quoted odd keys', () => {
  const data = { pools: [{ name: 'primary', subvolumes: [{}, {}] }, { name: 'primary' }, { name: 'bad name' }] };
  assert.equal(formatPath(['pools', 0, 'subvolumes', 1, 'cow'], data, ['pools']), 'pools[0].subvolumes[1].cow', 'duplicate names fall back to the index');
  assert.equal(formatPath(['pools', 2, 'x'], data, ['pools']), 'pools[2].x');
  assert.equal(formatPath(['pools', 0], { pools: [{ name: 'primary' }] }, ['pools']), 'pools.primary');
  assert.equal(formatPath(['overrides', 'subvolumes', '@home', 'cow'], {}), 'overrides.subvolumes["@home"].cow');
  assert.equal(formatPath(['a', '__proto__'], {}), 'a["__proto__"]');
  assert.equal(formatPath(['a', 'x\u0000y'], {}), 'a["x\\u0000y"]');
  assert.equal(formatPath([], {}), '(top level)');
});

test('values are shown JSON-escaped and cut short', () => {
  assert.equal(shownValue('a\u0000b'), '"a\\u0000b"');
  assert.equal(shownValue(null), 'null');
  assert.equal(shownValue(undefined), 'nothing');
  assert.equal(shownValue({}), 'an object');
  assert.equal(shownValue([1, 2]), 'a list of 2');
  assert.ok(shownValue('x'.repeat(10_000)).length <= 62);
});

test('one PantherError lists every problem with file and path; messages say expected and got', () => {
  const schema = z.strictObject({ pools: z.array(z.strictObject({ name: text('a name'), size: whole(0, 10, 'a size from 0 to 10'), on: z.boolean() })), tags: record(z.string(), z.string()) });
  try {
    parseWithSchema(schema, { pools: [{ name: 'primary', size: 11, on: 'no' }], tags: JSON.parse('{"__proto__": "x"}'), extra: 1 }, 'f.json', opts);
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(isPantherError(error));
    assert.equal(error.code, 'x-invalid');
    assert.equal(error.exitCode, 1);
    assert.equal(error.hint, 'fix it');
    assert.equal(error.message, [
      'f.json: not an x file (4 problems):',
      '  pools.primary.size: expected a size from 0 to 10, got 11',
      '  pools.primary.on: expected true or false, got "no"',
      '  tags["__proto__"]: key "__proto__" is a reserved word, not a name',
      '  (top level): unknown key(s) "extra"; known keys: pools, tags',
    ].join('\n'));
  }
});

test('a valid value keeps the key order of the input', () => {
  const schema = z.strictObject({ a: z.number(), b: z.strictObject({ c: z.number(), d: z.number() }), e: z.number().default(5) });
  const value = parseWithSchema(schema, { b: { d: 1, c: 2 }, a: 3 }, 'f.json', opts);
  assert.equal(JSON.stringify(value), '{"b":{"d":1,"c":2},"a":3,"e":5}');
});

test('reading an input compiles no parser: zod\'s JIT costs more than the one parse of a file saves', () => {
  const schema = z.object({ a: z.string(), b: z.object({ c: z.number() }).strict() }).strict();
  const original = globalThis.Function;
  let compiled = 0;
  globalThis.Function = new Proxy(original, { construct: (target, args) => { compiled++; return Reflect.construct(target, args); } });
  try {
    assert.equal(checkSchema(schema, { a: 'x', b: { c: 1 } }).ok, true);
    assert.equal(checkSchema(schema, { a: 'x', b: { c: 'no' } }).ok, false);
  } finally {
    globalThis.Function = original;
  }
  assert.equal(compiled, 0);
});
