// Every command, in the order `panther --help` lists them. Only the metadata (*.meta.ts: name, usage,
// help, options) is imported here; a command's implementation module is imported when it runs, so
// help and routing stay cheap and `snapshot run` never loads the S3 SDK or the demo's S3 server.
import { lazyCommand, type Command } from '../command.ts';
import { alertsRenderInfo } from './alerts-render.meta.ts';
import { backupCheckInfo } from './backup-check.meta.ts';
import { backupInitInfo } from './backup-init.meta.ts';
import { backupKeyAddInfo, backupKeyListInfo, backupKeyRemoveInfo } from './backup-key.meta.ts';
import { backupListInfo } from './backup-list.meta.ts';
import { backupPruneCommandInfo } from './backup-prune.meta.ts';
import { backupRepairIndexInfo } from './backup-repair-index.meta.ts';
import { backupRunCommandInfo } from './backup-run.meta.ts';
import { backupStatusInfo } from './backup-status.meta.ts';
import { backupUnlockInfo } from './backup-unlock.meta.ts';
import { costCommandInfo } from './cost.meta.ts';
import { costSimulateCommandInfo } from './cost-simulate.meta.ts';
import { demoInfo } from './demo.meta.ts';
import { detectInfo } from './detect.meta.ts';
import { drillInfo, drillStatusInfo } from './drill.meta.ts';
import { doctorInfo } from './doctor.meta.ts';
import { doctorRemoteInfo } from './doctor-remote.meta.ts';
import { lintInfo } from './lint.meta.ts';
import { planInfo } from './plan.meta.ts';
import { profilesInfo } from './profiles.meta.ts';
import { provisionInfo } from './provision.meta.ts';
import { renderCommandInfo } from './render.meta.ts';
import { restoreInfo } from './restore.meta.ts';
import { snapshotCreateInfo } from './snapshot-create.meta.ts';
import { snapshotDeleteInfo } from './snapshot-delete.meta.ts';
import { snapshotDiffInfo } from './snapshot-diff.meta.ts';
import { snapshotListInfo } from './snapshot-list.meta.ts';
import { pinInfo } from './snapshot-pin.meta.ts';
import { snapshotPruneInfo } from './snapshot-prune.meta.ts';
import { snapshotRestoreFileInfo } from './snapshot-restore-file.meta.ts';
import { snapshotRunInfo } from './snapshot-run.meta.ts';
import { snapshotSimulateInfo } from './snapshot-simulate.meta.ts';
import { snapshotWrapInfo } from './snapshot-wrap.meta.ts';
import { unmountInfo } from './unmount.meta.ts';
import { metricsCollectInfo } from './metrics-collect.meta.ts';
import { metricsServeInfo } from './metrics-serve.meta.ts';

export const COMMANDS: Command[] = [
  lazyCommand(detectInfo, async () => (await import('./detect.ts')).detect),
  lazyCommand(profilesInfo, async () => (await import('./profiles.ts')).profiles),
  lazyCommand(planInfo, async () => (await import('./plan.ts')).plan),
  lazyCommand(lintInfo, async () => (await import('./lint.ts')).lint),
  lazyCommand(renderCommandInfo, async () => (await import('./render.ts')).renderCommand),
  lazyCommand(provisionInfo, async () => (await import('./provision.ts')).provision),
  lazyCommand(unmountInfo, async () => (await import('./unmount.ts')).unmount),
  lazyCommand(doctorInfo, async () => (await import('./doctor.ts')).doctor),
  lazyCommand(doctorRemoteInfo, async () => (await import('./doctor-remote.ts')).doctorRemote),
  lazyCommand(snapshotRunInfo, async () => (await import('./snapshot-run.ts')).snapshotRun),
  lazyCommand(snapshotCreateInfo, async () => (await import('./snapshot-create.ts')).snapshotCreate),
  lazyCommand(snapshotListInfo, async () => (await import('./snapshot-list.ts')).snapshotList),
  lazyCommand(snapshotPruneInfo, async () => (await import('./snapshot-prune.ts')).snapshotPrune),
  lazyCommand(snapshotDeleteInfo, async () => (await import('./snapshot-delete.ts')).snapshotDelete),
  lazyCommand(pinInfo(true), async () => (await import('./snapshot-pin.ts')).snapshotPin),
  lazyCommand(pinInfo(false), async () => (await import('./snapshot-pin.ts')).snapshotUnpin),
  lazyCommand(snapshotWrapInfo, async () => (await import('./snapshot-wrap.ts')).snapshotWrap),
  lazyCommand(snapshotDiffInfo, async () => (await import('./snapshot-diff.ts')).snapshotDiff),
  lazyCommand(snapshotRestoreFileInfo, async () => (await import('./snapshot-restore-file.ts')).snapshotRestoreFile),
  lazyCommand(snapshotSimulateInfo, async () => (await import('./snapshot-simulate.ts')).snapshotSimulate),
  lazyCommand(backupInitInfo, async () => (await import('./backup-init.ts')).backupInit),
  lazyCommand(backupRunCommandInfo, async () => (await import('./backup-run.ts')).backupRunCommand),
  lazyCommand(backupStatusInfo, async () => (await import('./backup-status.ts')).backupStatus),
  lazyCommand(backupListInfo, async () => (await import('./backup-list.ts')).backupList),
  lazyCommand(backupCheckInfo, async () => (await import('./backup-check.ts')).backupCheck),
  lazyCommand(backupRepairIndexInfo, async () => (await import('./backup-repair-index.ts')).backupRepairIndex),
  lazyCommand(backupPruneCommandInfo, async () => (await import('./backup-prune.ts')).backupPruneCommand),
  lazyCommand(backupKeyAddInfo, async () => (await import('./backup-key.ts')).backupKeyAdd),
  lazyCommand(backupKeyListInfo, async () => (await import('./backup-key.ts')).backupKeyList),
  lazyCommand(backupKeyRemoveInfo, async () => (await import('./backup-key.ts')).backupKeyRemove),
  lazyCommand(backupUnlockInfo, async () => (await import('./backup-unlock.ts')).backupUnlock),
  lazyCommand(restoreInfo, async () => (await import('./restore.ts')).restore),
  lazyCommand(drillInfo('integrity'), async () => (await import('./drill.ts')).drillCommand('integrity')),
  lazyCommand(drillInfo('restore'), async () => (await import('./drill.ts')).drillCommand('restore')),
  lazyCommand(drillInfo('disaster'), async () => (await import('./drill.ts')).drillCommand('disaster')),
  lazyCommand(drillStatusInfo, async () => (await import('./drill-status.ts')).drillStatus),
  lazyCommand(costCommandInfo, async () => (await import('./cost.ts')).costCommand),
  lazyCommand(costSimulateCommandInfo, async () => (await import('./cost-simulate.ts')).costSimulateCommand),
  lazyCommand(alertsRenderInfo, async () => (await import('./alerts-render.ts')).alertsRender),
  lazyCommand(metricsCollectInfo, async () => (await import('./metrics-collect.ts')).metricsCollect),
  lazyCommand(metricsServeInfo, async () => (await import('./metrics-serve.ts')).metricsServe),
  lazyCommand(demoInfo, async () => (await import('./demo.ts')).demo),
];
