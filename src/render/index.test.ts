import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { parsePlan } from '../plan/parse-plan.ts';
import { renderDisko } from './disko.ts';
import { render, RENDER_KINDS, renderers } from './index.ts';
import { renderJson } from './json.ts';
import { renderNixos } from './nixos.ts';

test('render dispatches every listed kind', () => {
  assert.deepEqual(RENDER_KINDS, ['disko', 'nixos', 'systemd', 'json', 'datadog-agent', 'caddy', 'fstab']);
  assert.deepEqual(Object.keys(renderers), RENDER_KINDS);
  const plan = specPlan('ovh');
  assert.equal(render('disko', plan), renderDisko(plan));
  assert.equal(render('nixos', plan), renderNixos(plan));
  assert.equal(render('json', plan), renderJson(plan));
});

test('json: 2-space pretty JSON with a trailing newline that reads back as the same plan', () => {
  const plan = specPlan('zephyrus', { features: ['databases'] });
  const text = renderJson(plan);
  assert.ok(text.endsWith('}\n'));
  assert.match(text, /^\{\n {2}"version": 1,\n {2}"host": "zephyrus",/);
  assert.deepEqual(JSON.parse(text), plan);
  assert.deepEqual(parsePlan(JSON.parse(text), 'test'), plan);
  assert.equal(renderJson(JSON.parse(text)), text, 'stable across a round trip');
});

test('renderers are pure: same plan, same text', () => {
  for (const kind of RENDER_KINDS) assert.equal(render(kind, specPlan('hetzner')), render(kind, specPlan('hetzner')));
});
