// Every command, in the order `panther --help` lists them.
import type { Command } from '../command.ts';
import { backupCheck } from './backup-check.ts';
import { backupInit } from './backup-init.ts';
import { backupKeyAdd, backupKeyList, backupKeyRemove } from './backup-key.ts';
import { backupList } from './backup-list.ts';
import { backupPruneCommand } from './backup-prune.ts';
import { backupRepairIndex } from './backup-repair-index.ts';
import { backupRunCommand } from './backup-run.ts';
import { backupStatus } from './backup-status.ts';
import { backupUnlock } from './backup-unlock.ts';
import { costCommand } from './cost.ts';
import { costSimulateCommand } from './cost-simulate.ts';
import { demo } from './demo.ts';
import { restore } from './restore.ts';
import { doctor } from './doctor.ts';
import { doctorRemote } from './doctor-remote.ts';
import { provision } from './provision.ts';
import { unmount } from './unmount.ts';
import { snapshotCreate } from './snapshot-create.ts';
import { snapshotDelete } from './snapshot-delete.ts';
import { snapshotDiff } from './snapshot-diff.ts';
import { snapshotList } from './snapshot-list.ts';
import { snapshotPin, snapshotUnpin } from './snapshot-pin.ts';
import { snapshotPrune } from './snapshot-prune.ts';
import { snapshotRestoreFile } from './snapshot-restore-file.ts';
import { snapshotRun } from './snapshot-run.ts';
import { snapshotSimulate } from './snapshot-simulate.ts';
import { snapshotWrap } from './snapshot-wrap.ts';
import { detect } from './detect.ts';
import { lint } from './lint.ts';
import { plan } from './plan.ts';
import { profiles } from './profiles.ts';
import { renderCommand } from './render.ts';

export const COMMANDS: Command[] = [
  detect, profiles, plan, lint, renderCommand, provision, unmount, doctor, doctorRemote,
  snapshotRun, snapshotCreate, snapshotList, snapshotPrune, snapshotDelete, snapshotPin, snapshotUnpin,
  snapshotWrap, snapshotDiff, snapshotRestoreFile, snapshotSimulate,
  backupInit, backupRunCommand, backupStatus, backupList, backupCheck, backupRepairIndex, backupPruneCommand, backupKeyAdd, backupKeyList, backupKeyRemove, backupUnlock, restore,
  costCommand, costSimulateCommand,
  demo,
];
