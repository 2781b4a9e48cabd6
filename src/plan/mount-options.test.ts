// The option allow-list and the option families it derives (btrfs(5), mount(8), fs/btrfs/super.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOption, filesystemState, parseCompressValue, poolCompression } from './mount-options.ts';

test('per-mount, filesystem-wide and userspace options are told apart', () => {
  const scopes: Array<[string, string]> = [
    ['noatime', 'mount'], ['relatime', 'mount'], ['ro', 'mount'], ['nodev', 'mount'], ['nosuid', 'mount'], ['noexec', 'mount'],
    ['subvol=@home', 'mount'], ['subvolid=256', 'mount'],
    ['compress=zstd:3', 'filesystem'], ['compress-force=zstd', 'filesystem'], ['nodatacow', 'filesystem'], ['nodatasum', 'filesystem'],
    ['autodefrag', 'filesystem'], ['ssd', 'filesystem'], ['ssd_spread', 'filesystem'], ['discard=async', 'filesystem'], ['nodiscard', 'filesystem'],
    ['space_cache=v2', 'filesystem'], ['commit=120', 'filesystem'], ['max_inline=2048', 'filesystem'], ['thread_pool=4', 'filesystem'],
    ['degraded', 'filesystem'], ['user_subvol_rm_allowed', 'filesystem'], ['rescue=usebackuproot:nologreplay', 'filesystem'],
    // Superblock flags: one state per filesystem, like the btrfs options.
    ['sync', 'filesystem'], ['dirsync', 'filesystem'], ['lazytime', 'filesystem'],
    ['nofail', 'userspace'], ['noauto', 'userspace'], ['x-systemd.automount', 'userspace'], ['x-systemd.device-timeout=5s', 'userspace'], ['x-initrd.mount', 'userspace'],
  ];
  for (const [raw, scope] of scopes) {
    const checked = checkOption(raw);
    assert.ok(checked.ok, `${raw}: ${checked.ok ? '' : checked.reason}`);
    assert.equal(checked.option.scope, scope, raw);
  }
});

test('invalid options and values are rejected with a reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['nodatacowx', /not a btrfs or mount\(8\) option/], ['umask=022', /not a btrfs or mount\(8\) option/],
    ['compress=zstd:16', /invalid value/], ['compress=zstd:-16', /invalid value/], ['compress=zlib:10', /invalid value/],
    ['compress=lzo:3', /invalid value/], ['compress=brotli', /invalid value/], ['compress=', /invalid value/],
    ['space_cache=v3', /invalid value/], ['discard=maybe', /invalid value/], ['thread_pool=0', /invalid value/], ['commit=soon', /invalid value/],
    ['noatime=1', /takes no value/], ['commit', /needs a value/], ['a,b', /splits/], ['no atime', /whitespace/], ['', /empty/],
    ['inode_cache', /not a btrfs/], ['fragment=all', /not a btrfs/],
  ];
  for (const [raw, reason] of bad) {
    const checked = checkOption(raw);
    assert.equal(checked.ok, false, raw);
    if (!checked.ok) assert.match(checked.reason, reason, raw);
  }
});

test('compress values: zstd -15..15 (0 = default), zlib 1..9, lzo, no/none', () => {
  assert.deepEqual(parseCompressValue('zstd:1'), { algorithm: 'zstd', level: 1 });
  assert.deepEqual(parseCompressValue('zstd:-15'), { algorithm: 'zstd', level: -15 });
  assert.deepEqual(parseCompressValue('zstd:0'), { algorithm: 'zstd', level: null });
  assert.deepEqual(parseCompressValue('zstd'), { algorithm: 'zstd', level: null });
  assert.deepEqual(parseCompressValue('zlib:9'), { algorithm: 'zlib', level: 9 });
  assert.deepEqual(parseCompressValue('lzo'), { algorithm: 'lzo', level: null });
  assert.deepEqual(parseCompressValue('no'), { algorithm: 'none', level: null });
  assert.deepEqual(parseCompressValue('none'), { algorithm: 'none', level: null });
  assert.equal(parseCompressValue('zstd:15x'), null);
});

test('the last option of a family wins, as in the kernel', () => {
  const state = filesystemState(['compress=zstd:3', 'ssd', 'noatime', 'compress=zstd:1', 'nossd']);
  assert.equal(state.get('compress')?.raw, 'compress=zstd:1');
  assert.equal(state.get('ssd')?.raw, 'nossd');
  assert.equal(state.has('atime'), false);
  assert.deepEqual(poolCompression(['compress-force=zlib:5']), { algorithm: 'zlib', level: 5 });
  // Bare `compress` means zlib at its default level.
  assert.deepEqual(poolCompression(['compress']), { algorithm: 'zlib', level: null });
  assert.deepEqual(poolCompression([]), { algorithm: 'none', level: null });
});
