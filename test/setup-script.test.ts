// scripts/setup.sh is how a fresh Debian 12 machine (Node and git, nothing else) gets every tool the
// demo and the tests run. Each tool the integration tests require must come from a package setup
// installs, or from one every Debian 12 system has (Essential/required), or the tests skip on a fresh
// machine (as sfdisk did: it is in `fdisk`, not `util-linux`, on Debian 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { packageFor } from '../src/btrfs/failure.ts';
import { BTRFS_TOOLS, PARTITION_TOOLS } from './support/requirements.ts';
import { TREE_TOOLS } from './support/trees.ts';

const SETUP = new URL('../scripts/setup.sh', import.meta.url);

/** Debian 12 packages marked Essential (present on every system, even debootstrap --variant=minbase). */
const ESSENTIAL = new Set(['bash', 'coreutils', 'util-linux', 'dpkg', 'findutils', 'grep', 'sed', 'tar', 'gzip']);

/** Tools the tests and demo run beyond the btrfs/partition lists, with their Debian 12 package. */
const OTHER_TOOLS: Record<string, string> = {
  'nix-instantiate': 'nix-bin', 'systemd-analyze': 'systemd', zstd: 'zstd', age: 'age',
  setfattr: 'attr', getfattr: 'attr', fallocate: 'util-linux', mkfifo: 'coreutils', runuser: 'util-linux',
  'redis-server': 'redis-server', pg_ctlcluster: 'postgresql-common', initdb: 'postgresql', blockdev: 'util-linux',
  mktemp: 'coreutils', prometheus: 'prometheus', promtool: 'prometheus', amtool: 'prometheus-alertmanager', chromium: 'chromium',
  caddy: 'caddy',
};

function setupPackages(): Set<string> {
  const text = readFileSync(SETUP, 'utf8');
  const list = /packages=\(([\s\S]*?)\n\)/.exec(text);
  assert.ok(list, 'scripts/setup.sh has a packages=( … ) list');
  return new Set(list[1]!.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== ''));
}

test('every tool the tests need comes from a package scripts/setup.sh installs (or an Essential one)', () => {
  const installed = setupPackages();
  const tools = [...BTRFS_TOOLS, ...PARTITION_TOOLS, ...TREE_TOOLS, ...Object.keys(OTHER_TOOLS)];
  const unprovided: string[] = [];
  for (const tool of new Set(tools)) {
    const pkg = packageFor(tool) ?? OTHER_TOOLS[tool];
    assert.ok(pkg !== undefined, `${tool}: no Debian package known for it (add it to src/btrfs/failure.ts or OTHER_TOOLS)`);
    // postgresql pulls postgresql-common in.
    const provided = installed.has(pkg) || ESSENTIAL.has(pkg) || (pkg === 'postgresql-common' && installed.has('postgresql'));
    if (!provided) unprovided.push(`${tool} (package ${pkg})`);
  }
  assert.deepEqual(unprovided, [], `scripts/setup.sh does not install: ${unprovided.join(', ')}`);
});
