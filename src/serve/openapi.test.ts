import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiDocument } from './openapi.ts';
import { ROUTES } from './routes.ts';
import { errorStatuses } from './route.ts';

test('the document holds every route with its success and error answers, and no dangling $ref', () => {
  const doc = openApiDocument(ROUTES) as { paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters: Array<{ name: string; in: string }> }>>; components: { schemas: Record<string, unknown> } };
  for (const r of ROUTES) {
    const op = doc.paths[r.path]?.[r.method];
    assert.ok(op !== undefined, `${r.method} ${r.path}`);
    assert.deepEqual(Object.keys(op.responses).map(Number).sort((a, b) => a - b), [r.status, ...errorStatuses(r)].sort((a, b) => a - b));
    assert.equal(op.requestBody !== undefined, r.body !== null, r.operationId);
    const named = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual(op.parameters.filter((x) => x.in === 'path').map((x) => x.name), named, r.operationId);
    const query = r.query === null ? [] : Object.keys((r.query as unknown as { shape: Record<string, unknown> }).shape);
    assert.deepEqual(op.parameters.filter((x) => x.in === 'query').map((x) => x.name), query, r.operationId);
  }
  const text = JSON.stringify(doc);
  assert.doesNotMatch(text, /#\/\$defs\//, 'every named schema is under components');
  for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[m[1]!] !== undefined, m[1]);
  assert.equal(new Set(ROUTES.map((r) => r.operationId)).size, ROUTES.length, 'operation ids are unique');
});

test('query parameters: in: query, optional when they have a default, with their bounds and description', () => {
  const doc = openApiDocument(ROUTES) as { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown>; description?: string }>; responses: Record<string, unknown> }>> };
  const op = doc.paths['/api/v1/history']!['get']!;
  const days = op.parameters.find((x) => x.name === 'days')!;
  assert.equal(days.in, 'query');
  assert.equal(days.required, false);
  assert.equal(days.schema['minimum'], 1);
  assert.equal(days.schema['maximum'], 400);
  assert.equal(days.schema['default'], 90);
  assert.match(days.description ?? '', /days/);
  assert.ok(op.responses['400'] !== undefined, 'a bad query is a 400');
});
