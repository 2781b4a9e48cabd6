// Every command with its help, in the order `panther --help` lists them: what the help texts need.
// Only the metadata (*.meta.ts: name, usage, help, options) is imported here; a command's
// implementation module is imported when it runs (table.ts), so help stays cheap and `snapshot run`
// never loads the S3 SDK or the demo's S3 server. Running a command does not load this file at all.
import { lazyCommand, type Command } from '../command.ts';
import { COMMAND_TABLE } from './table.ts';
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
import { drillInfo } from './drill.meta.ts';
import { drillStatusInfo } from './drill-status.meta.ts';
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
import { serveInfo } from './serve.meta.ts';

export const COMMANDS: Command[] = [
  detectInfo,
  profilesInfo,
  planInfo,
  lintInfo,
  renderCommandInfo,
  provisionInfo,
  unmountInfo,
  doctorInfo,
  doctorRemoteInfo,
  snapshotRunInfo,
  snapshotCreateInfo,
  snapshotListInfo,
  snapshotPruneInfo,
  snapshotDeleteInfo,
  pinInfo(true),
  pinInfo(false),
  snapshotWrapInfo,
  snapshotDiffInfo,
  snapshotRestoreFileInfo,
  snapshotSimulateInfo,
  backupInitInfo,
  backupRunCommandInfo,
  backupStatusInfo,
  backupListInfo,
  backupCheckInfo,
  backupRepairIndexInfo,
  backupPruneCommandInfo,
  backupKeyAddInfo,
  backupKeyListInfo,
  backupKeyRemoveInfo,
  backupUnlockInfo,
  restoreInfo,
  drillInfo('integrity'),
  drillInfo('restore'),
  drillInfo('disaster'),
  drillStatusInfo,
  costCommandInfo,
  costSimulateCommandInfo,
  alertsRenderInfo,
  metricsCollectInfo,
  metricsServeInfo,
  serveInfo,
  demoInfo,
].map((info, i) => lazyCommand(info, loaderOf(info.name, i)));

/** The table's loader of the i-th command; the two lists name the same commands in the same order. */
function loaderOf(name: string, i: number): () => Promise<Command> {
  const entry = COMMAND_TABLE[i];
  if (entry?.name !== name) throw new Error(`commands/table.ts and commands/index.ts disagree at ${i}: ${entry?.name} vs ${name}`);
  return entry.load;
}
