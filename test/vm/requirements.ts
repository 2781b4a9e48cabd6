// The VM tests need root (9p shares of /, disk images), QEMU, qboot, busybox, xz and the kernel
// scripts/setup-vm.sh unpacks. Without them a test skips and says why, unless CI is set: in CI a VM
// test that cannot start fails.
import { existsSync } from 'node:fs';
import { findOnPath } from '../../src/core/find-on-path.ts';
import { findKernel, VM_CACHE } from './kernel.ts';
import { QBOOT, QEMU } from './qemu.ts';
import { skipOrFail } from '../support/requirements.ts';

export function unmetVmRequirements(): string[] {
  const unmet: string[] = [];
  if (process.getuid?.() !== 0) unmet.push('not root');
  if (findOnPath(QEMU) === null) unmet.push(`${QEMU} not found (apt-get install qemu-system-x86)`);
  else if (!existsSync(QBOOT)) unmet.push(`${QBOOT} missing (apt-get install qemu-system-x86)`);
  if (!existsSync('/bin/busybox')) unmet.push('/bin/busybox not found (apt-get install busybox-static)');
  if (findOnPath('xz') === null) unmet.push('xz not found (apt-get install xz-utils)');
  if (findKernel() === null) unmet.push(`no kernel in ${VM_CACHE}/kernel (run scripts/setup-vm.sh)`);
  return unmet;
}

/** For describe(name, { skip: vmSkipReason() }): a reason to skip, or false; throws under CI. */
export function vmSkipReason(): string | false {
  return skipOrFail('VM', unmetVmRequirements());
}
