import { checkDevices } from '../../provision/apply.ts';
import { checkLint, checkRoot, describeChange, fitTarget, provision as runProvision } from '../../provision/index.ts';
import { isPantherError, usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { deviceMap } from '../device-map.ts';
import { resolvePlan } from '../plan-input.ts';
import { provisionInfo } from './provision.meta.ts';

export const provision: Command = {
  ...provisionInfo,
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
