// The btrfs edge: the only code in Panther that runs btrfs-progs, util-linux, e2fsprogs (chattr,
// lsattr), gdisk and dosfstools.
//
// What it does: starts tools through exec.ts `run` (argument arrays, never a shell, LC_ALL=C),
// refuses hostile paths before spawning (args.ts), parses each tool's output into plain typed data
// with pure `parse*` functions (tested on real captures in testdata/), and turns failures into a
// PantherError that names the command, the path and a likely cause + hint (failure.ts).
//
// What it does not: decide anything. Which subvolumes to create, whether a device may be wiped,
// what to snapshot: that is plan/ and provision/. Nothing here writes to stdout.
//
// Where to start: exec.ts (how a tool runs and fails), then the wrapper for the concern at hand:
// subvolume*.ts, property.ts, attrs.ts + nocow.ts (No_COW recipe), usage.ts, filesystem-show.ts,
// device-stats.ts, scrub.ts, swapfile.ts, mount.ts + findmnt.ts, loop.ts, flock.ts, probe.ts,
// partition.ts + partition-table.ts, mkfs.ts. The btrfs facts the code relies on (NOCOW only on
// empty files, compression vs +C, mkswapfile) are in the shared knowledge note docs/knowledge/btrfs.md.

export { run } from './exec.ts';
export type { RunOptions, RunResult } from './exec.ts';
export { diagnoseStderr, displayCommand } from './failure.ts';
export type { Diagnosis } from './failure.ts';
export { safePath, safeName, safeDevice } from './args.ts';

export { mkfsBtrfs, mkfsBtrfsImage, mkfsVfat, parseMkfsBtrfs } from './mkfs.ts';
export type { MkfsBtrfsOptions, MkfsVfatOptions, MkfsResult } from './mkfs.ts';

export { createSubvolume, snapshotSubvolume, deleteSubvolume, deleteSubvolumes, isSubvolume, BTRFS_SUPER_MAGIC } from './subvolume.ts';
export type { SnapshotOptions, DeleteSubvolumeOptions } from './subvolume.ts';
export { listSubvolumes, parseSubvolumeList } from './subvolume-list.ts';
export type { SubvolumeListEntry, ListSubvolumesOptions } from './subvolume-list.ts';
export { showSubvolume, parseSubvolumeShow, parseBtrfsTime } from './subvolume-show.ts';
export type { SubvolumeInfo } from './subvolume-show.ts';

export { getProperty, setProperty, getCompression, setCompression, getReadonly, setReadonly, parsePropertyGet, COMPRESSION_VALUES } from './property.ts';
export type { CompressionValue, PropertyName } from './property.ts';
export { readAttrs, changeAttrs, parseLsattr } from './attrs.ts';
export type { AttrFlag } from './attrs.ts';
export { setNoCow } from './nocow.ts';
export type { SetNoCowOptions } from './nocow.ts';

export { filesystemUsage, parseFilesystemUsage } from './usage.ts';
export type { FilesystemUsage, BlockGroupUsage, DeviceBytes } from './usage.ts';
export { showFilesystem, parseFilesystemShow } from './filesystem-show.ts';
export type { FilesystemShow, FilesystemDevice } from './filesystem-show.ts';
export { deviceStats, parseDeviceStats, totalErrors } from './device-stats.ts';
export type { DeviceStats } from './device-stats.ts';
export { scrubStatus, scrubStart, parseScrubStatus } from './scrub.ts';
export type { ScrubStatus, ScrubStartOptions } from './scrub.ts';
export { mkswapfile, MIN_SWAPFILE_BYTES } from './swapfile.ts';
export type { SwapfileResult, MkswapfileOptions } from './swapfile.ts';

export { mount, umount, kernelSupports } from './mount.ts';
export type { MountOptions, UmountOptions } from './mount.ts';
export { findMounts, findMountOf, listAllMounts, parseFindmntJson, mountInfoOptions } from './findmnt.ts';
export type { MountEntry } from './findmnt.ts';
export { attachLoop, detachLoop, listLoops, parseLosetupJson } from './loop.ts';
export type { LoopDevice, AttachOptions, ListLoopsOptions } from './loop.ts';

export { tryExclusiveFlock } from './flock.ts';

export { probeDevice, devicesInUse, parseBlkidExport, blockDeviceSize } from './probe.ts';
export type { DeviceProbe } from './probe.ts';
export { partitionGpt, partitionPath, sgdiskArgs, PARTITION_TYPES, kernelPartitions, forgetPartitions } from './partition.ts';
export type { PartitionSpec, PartitionType, PartitionGptOptions } from './partition.ts';
export { readPartitionTable, parseSfdiskJson, GPT_TYPE_GUIDS } from './partition-table.ts';
export type { PartitionTable, PartitionEntry } from './partition-table.ts';

export { sendStream, receiveStream, sendDump, sendArgs, favourProcess } from './send.ts';
export type { SendOptions, ReceiveOptions } from './send.ts';
export { parseReceiveDump, unescapeDumpPath } from './send-dump.ts';
export type { DumpEvent } from './send-dump.ts';
export { spawnStream } from './stream.ts';
export type { StreamProcess } from './stream.ts';
