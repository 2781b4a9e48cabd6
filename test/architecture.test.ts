// Keeps the data flow one way (docs/ARCHITECTURE.md): no import against the arrows, and processes are
// spawned only by the edges that own them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** folder → folders it must never import. */
const FORBIDDEN: Record<string, string[]> = {
  core: ['facter', 'plan', 'render', 'btrfs', 'provision', 'snapshot', 'backup', 'repo', 'cost', 'metrics', 'server', 'cli'],
  facter: ['plan', 'render', 'btrfs', 'provision', 'snapshot', 'backup', 'repo', 'cli', 'server'],
  plan: ['render', 'btrfs', 'provision', 'snapshot', 'backup', 'repo', 'cli', 'server'],
  render: ['btrfs', 'provision', 'snapshot', 'backup', 'repo', 'cli', 'server'],
  btrfs: ['plan', 'render', 'provision', 'snapshot', 'backup', 'repo', 'cli', 'server'],
  repo: ['backup', 'snapshot', 'btrfs', 'cli', 'server', 'provision'],
  cost: ['cli', 'server'],
  metrics: ['cli', 'server'],
};
const MAY_SPAWN = ['btrfs/', 'snapshot/hooks/', 'render/verify/'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

test('imports follow the data flow and only edges spawn processes', () => {
  const problems: string[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    const folder = rel.split('/')[0]!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*import[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const spec = match[1]!;
      if (spec === 'node:child_process' && !MAY_SPAWN.some((p) => rel.startsWith(p))) problems.push(`${rel} spawns processes (only ${MAY_SPAWN.join(', ')} may)`);
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!;
      if ((FORBIDDEN[folder] ?? []).includes(target)) problems.push(`${rel} imports ${spec} (${folder} → ${target} runs against the data flow)`);
    }
  }
  assert.deepEqual(problems, []);
});
