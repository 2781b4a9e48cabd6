import { checkDevices } from '../../provision/apply.ts';
import { provision as runProvision, targetPlan } from '../../provision/index.ts';
import { isPantherError, usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { deviceMap } from '../device-map.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS, resolvePlan } from '../plan-input.ts';

export const provision: Command = {
  name: 'provision',
  summary: 'lay a plan onto block devices: GPT, mkfs, subvolumes, no-CoW, compression, swap, mounts',
  usage: 'panther provision (--plan FILE | plan input) --device POOL=/dev/X … --root DIR [--yes] [--dry-run] [--json]',
  help: `${PLAN_INPUT_HELP}
  --device POOL=/dev/X  the device for each pool of the plan (repeat per pool); sizes are fitted to it
  --root DIR            mount everything below DIR (as an installer mounts below /mnt)
  --yes                 destroy what is on the devices (otherwise a device with a filesystem or
                        partition table is refused with exit code 3)
  --dry-run             print the exact steps and change nothing

Does what disko would: GPT with the boot partition the plan asks for, mkfs.btrfs, every subvolume,
chattr +C on empty no-CoW roots (verified with lsattr), compression properties, a swapfile made with
btrfs filesystem mkswapfile, then mounts in dependency order. A failure unmounts everything it mounted
and lists what was done. Undo the mounts with: panther unmount --root DIR`,
  options: { ...PLAN_INPUT_OPTIONS, device: { type: 'string', multiple: true }, root: { type: 'string' }, yes: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = str(values, 'root');
    if (root === undefined) throw usageError('--root DIR is required', 'everything is mounted below it, e.g. --root /mnt');
    const { plan } = await resolvePlan(values);
    const fitted = await targetPlan(plan, deviceMap(values));
    const dryRun = flag(values, 'dry-run');
    let refusal: string | null = null;
    if (dryRun) {
      await checkDevices(fitted, flag(values, 'yes')).catch((error: unknown) => {
        if (!isPantherError(error)) throw error;
        refusal = `${error.message} (${error.hint ?? ''})`;
      });
    }
    const result = await runProvision(fitted, {
      root, yes: flag(values, 'yes'), dryRun,
      onStep: (i, n, text) => io.err(`[${i}/${n}] ${text}`),
    });
    emit(io, { host: plan.host, root, dryRun, refusal, steps: result.steps, mounted: result.mounted, plan: fitted }, () => [
      dryRun ? `dry run: ${result.steps.length} step(s) for ${plan.host}, nothing changed` : `provisioned ${plan.host}: ${result.steps.length} step(s)`,
      ...result.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`),
      ...(refusal === null ? [] : [`note: without --yes this would be refused: ${refusal}`]),
      ...(dryRun ? [] : [`mounted below ${root}; remove with: panther unmount --root ${root}`]),
    ].join('\n'));
    return 0;
  },
};
