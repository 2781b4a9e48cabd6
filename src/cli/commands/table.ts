// Every command by name, in the order `panther --help` lists them, with the import that loads its
// implementation. Routing reads only this table: `panther snapshot list` loads the table, then
// snapshot-list.ts and what it imports, and no other command's module, not even its help text
// (index.ts has those). `positionals` is repeated from the command's meta file because routing needs
// it ("doctor frobnicate" is an unknown subcommand, not a word for doctor); test/cli-lazy.test.ts
// checks both files agree.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  positionals?: boolean;
  load: () => Promise<Command>;
}

export const COMMAND_TABLE: readonly CommandEntry[] = [
  { name: 'detect', load: async () => (await import('./detect.ts')).detect },
  { name: 'profiles', load: async () => (await import('./profiles.ts')).profiles },
  { name: 'plan', load: async () => (await import('./plan.ts')).plan },
  { name: 'lint', load: async () => (await import('./lint.ts')).lint },
  { name: 'render', positionals: true, load: async () => (await import('./render.ts')).renderCommand },
  { name: 'provision', load: async () => (await import('./provision.ts')).provision },
  { name: 'unmount', load: async () => (await import('./unmount.ts')).unmount },
  { name: 'doctor', load: async () => (await import('./doctor.ts')).doctor },
  { name: 'doctor remote', load: async () => (await import('./doctor-remote.ts')).doctorRemote },
  { name: 'snapshot run', load: async () => (await import('./snapshot-run.ts')).snapshotRun },
  { name: 'snapshot create', positionals: true, load: async () => (await import('./snapshot-create.ts')).snapshotCreate },
  { name: 'snapshot list', load: async () => (await import('./snapshot-list.ts')).snapshotList },
  { name: 'snapshot prune', load: async () => (await import('./snapshot-prune.ts')).snapshotPrune },
  { name: 'snapshot delete', positionals: true, load: async () => (await import('./snapshot-delete.ts')).snapshotDelete },
  { name: 'snapshot pin', positionals: true, load: async () => (await import('./snapshot-pin.ts')).snapshotPin },
  { name: 'snapshot unpin', positionals: true, load: async () => (await import('./snapshot-pin.ts')).snapshotUnpin },
  { name: 'snapshot wrap', positionals: true, load: async () => (await import('./snapshot-wrap.ts')).snapshotWrap },
  { name: 'snapshot diff', positionals: true, load: async () => (await import('./snapshot-diff.ts')).snapshotDiff },
  { name: 'snapshot restore-file', positionals: true, load: async () => (await import('./snapshot-restore-file.ts')).snapshotRestoreFile },
  { name: 'snapshot simulate', load: async () => (await import('./snapshot-simulate.ts')).snapshotSimulate },
  { name: 'backup init', load: async () => (await import('./backup-init.ts')).backupInit },
  { name: 'backup run', load: async () => (await import('./backup-run.ts')).backupRunCommand },
  { name: 'backup status', load: async () => (await import('./backup-status.ts')).backupStatus },
  { name: 'backup list', load: async () => (await import('./backup-list.ts')).backupList },
  { name: 'backup check', load: async () => (await import('./backup-check.ts')).backupCheck },
  { name: 'backup repair-index', load: async () => (await import('./backup-repair-index.ts')).backupRepairIndex },
  { name: 'backup prune', load: async () => (await import('./backup-prune.ts')).backupPruneCommand },
  { name: 'backup key add', load: async () => (await import('./backup-key.ts')).backupKeyAdd },
  { name: 'backup key list', load: async () => (await import('./backup-key.ts')).backupKeyList },
  { name: 'backup key remove', positionals: true, load: async () => (await import('./backup-key.ts')).backupKeyRemove },
  { name: 'backup unlock', load: async () => (await import('./backup-unlock.ts')).backupUnlock },
  { name: 'restore', positionals: true, load: async () => (await import('./restore.ts')).restore },
  { name: 'drill integrity', load: async () => (await import('./drill.ts')).drillCommand('integrity') },
  { name: 'drill restore', load: async () => (await import('./drill.ts')).drillCommand('restore') },
  { name: 'drill disaster', load: async () => (await import('./drill.ts')).drillCommand('disaster') },
  { name: 'drill status', load: async () => (await import('./drill-status.ts')).drillStatus },
  { name: 'cost', load: async () => (await import('./cost.ts')).costCommand },
  { name: 'cost simulate', load: async () => (await import('./cost-simulate.ts')).costSimulateCommand },
  { name: 'alerts render', positionals: true, load: async () => (await import('./alerts-render.ts')).alertsRender },
  { name: 'metrics collect', load: async () => (await import('./metrics-collect.ts')).metricsCollect },
  { name: 'metrics serve', load: async () => (await import('./metrics-serve.ts')).metricsServe },
  { name: 'serve', load: async () => (await import('./serve.ts')).serve },
  { name: 'demo', load: async () => (await import('./demo.ts')).demo },
];
