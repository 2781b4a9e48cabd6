import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleClosure, parseModulesDep } from './initramfs.ts';

const DEP = [
  'kernel/fs/btrfs/btrfs.ko: kernel/lib/raid6/raid6_pq.ko kernel/crypto/xor.ko kernel/lib/libcrc32c.ko',
  'kernel/lib/raid6/raid6_pq.ko:',
  'kernel/crypto/xor.ko:',
  'kernel/lib/libcrc32c.ko:',
  'kernel/arch/x86/crypto/crc32c-intel.ko:',
  'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko',
  'kernel/net/9p/9pnet.ko:',
  'kernel/fs/netfs/netfs.ko:',
].join('\n');

test('moduleClosure: the wanted modules and everything they depend on, once each', () => {
  const dep = parseModulesDep(DEP);
  assert.deepEqual(moduleClosure(dep, ['btrfs', '9p', 'btrfs']), [
    'kernel/crypto/xor.ko', 'kernel/fs/9p/9p.ko', 'kernel/fs/btrfs/btrfs.ko', 'kernel/fs/netfs/netfs.ko',
    'kernel/lib/libcrc32c.ko', 'kernel/lib/raid6/raid6_pq.ko', 'kernel/net/9p/9pnet.ko',
  ]);
});

test('moduleClosure: dashes and underscores name the same module; a missing one is named', () => {
  const dep = parseModulesDep(DEP);
  assert.deepEqual(moduleClosure(dep, ['crc32c_intel']), ['kernel/arch/x86/crypto/crc32c-intel.ko']);
  assert.throws(() => moduleClosure(dep, ['nvme']), /kernel module nvme is not in modules\.dep/);
});
