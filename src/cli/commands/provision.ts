import { checkDevices } from '../../provision/apply.ts';
import { checkLint, checkRoot, describeChange, fitTarget, provision as runProvision, RECORDED_PLAN } from '../../provision/index.ts';
import { isPantherError, usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { deviceMap } from '../device-map.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS, resolvePlan } from '../plan-input.ts';

export const provision: Command = {
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
  async run(values, _positionals, io) {
    const root = str(values, 'root');
    if (root === undefined) throw usageError('--root DIR is required', 'everything is mounted below it, e.g. --root /mnt');
    const { plan } = await resolvePlan(values);
    // Lint first: a plan with errors is refused before any device is looked at.
    checkLint(plan);
    const fit = await fitTarget(plan, deviceMap(values), { fitToDevice: flag(values, 'fit-to-device') });
    const fitted = fit.plan;
    const changed = fit.changes.map(describeChange);
    if (changed.length > 0) io.err(`fitted to smaller device(s) (--fit-to-device):\n  ${changed.join('\n  ')}`);
    const dryRun = flag(values, 'dry-run');
    const allowLiveRoot = flag(values, 'allow-live-root');
    let refusal: string | null = null;
    if (dryRun) {
      const note = (error: unknown): void => {
        if (!isPantherError(error)) throw error;
        refusal = `${refusal === null ? '' : `${refusal}; `}${error.message} (${error.hint ?? ''})`;
      };
      await checkRoot(root, fitted, allowLiveRoot).catch(note);
      await checkDevices(fitted, flag(values, 'yes')).catch(note);
    }
    const result = await runProvision(fitted, {
      root, yes: flag(values, 'yes'), dryRun, allowLiveRoot,
      onStep: (i, n, text) => io.err(`[${i}/${n}] ${text}`),
    });
    emit(io, { host: plan.host, root, dryRun, refusal, fitted: fit.changes, recorded: result.recorded, steps: result.steps, mounted: result.mounted, plan: fitted }, () => [
      dryRun ? `dry run: ${result.steps.length} step(s) for ${plan.host}, nothing changed` : `provisioned ${plan.host}: ${result.steps.length} step(s)`,
      ...result.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`),
      ...(changed.length === 0 ? [] : ['sizes fitted to the device(s):', ...changed.map((c) => `  ${c}`)]),
      ...(refusal === null ? [] : [`note: this would be refused: ${refusal}`]),
      ...(result.recorded === null ? [] : [`plan as applied recorded in ${result.recorded}`]),
      ...(dryRun ? [] : [`mounted below ${root}; remove with: panther unmount --root ${root}`]),
    ].join('\n'));
    return 0;
  },
};
