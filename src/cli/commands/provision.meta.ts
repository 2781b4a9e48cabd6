// `panther provision`: what --help and routing need, cheap to load; ./provision.ts runs it.
import type { CommandInfo } from '../command.ts';
// The plan as applied lives where the default plan is: provision/recorded-plan.ts (a test checks).
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS, DEFAULT_PLAN as RECORDED_PLAN } from '../options.ts';

export const provisionInfo: CommandInfo = {
  name: 'provision',
  summary: 'lay a plan onto block devices: GPT, mkfs, subvolumes, no-CoW, compression, swap, mounts',
  usage: 'panther provision (--plan FILE | plan input) --device POOL=/dev/X … --root DIR [--yes] [--fit-to-device] [--allow-live-root] [--dry-run] [--json]',
  help: `${PLAN_INPUT_HELP}
  --device POOL=/dev/X  the device for each pool of the plan (repeat per pool)
  --root DIR            mount everything below DIR (as an installer mounts below /mnt)
  --yes                 destroy what is on the devices (otherwise a device with a filesystem or
                        partition table is refused with exit code 3)
  --fit-to-device       accept a device smaller than the plan expects: sizes that do not fit it
                        (ESP, swapfiles) shrink, and every size that changed is printed
                        (otherwise a smaller device is refused with exit code 3)
  --allow-live-root     provision even when DIR is / or holds mounts not made from the plan's
                        devices (refused with exit code 3 otherwise: they would be covered up)
  --dry-run             print the exact steps and change nothing

Does what disko would: GPT with the boot partition the plan asks for, mkfs.btrfs, every subvolume,
chattr +C on empty no-CoW roots (verified with lsattr), compression properties, a swapfile made with
btrfs filesystem mkswapfile, then mounts in dependency order. A plan with lint errors is refused
(exit 3). The plan as applied (devices, fitted sizes) is written to DIR${RECORDED_PLAN}; doctor and
unmount read it. A failure unmounts everything it mounted and lists what was done.
Undo the mounts with: panther unmount --root DIR`,
  options: {
    ...PLAN_INPUT_OPTIONS, device: { type: 'string', multiple: true }, root: { type: 'string' }, yes: { type: 'boolean' },
    'fit-to-device': { type: 'boolean' }, 'allow-live-root': { type: 'boolean' }, 'dry-run': { type: 'boolean' },
  },
};
