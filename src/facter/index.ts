// facter: reads a nixos-facter report (facter.json, every format from the 2024 pre-releases on) into
// a HostReport — the disks one could install on, every other device with the reason it was set
// aside, and what kind of machine this is — and proposes a profile from it with evidence and a
// confidence, refusing when the report does not determine one. It does not plan, partition or
// read an inventory; a detected profile is evidence the inventory should agree with (NOTES 7).
// Start at parse.ts (readFacterReport), then detect.ts (detectProfile); the report format and its
// traps are described in docs/knowledge/facter.md.
export { parseFacterReport, readFacterReport } from './parse.ts';
export { detectProfile } from './detect.ts';
export { SIZE_TOLERANCE } from './fit.ts';
export { jsonErrorPosition, type JsonErrorPosition } from './json-position.ts';
export {
  MACHINE_KINDS, TRANSPORTS,
  type Confidence, type DetectableProfile, type Detection, type Disk, type Firmware, type HostReport,
  type IgnoredDevice, type MachineEvidence, type MachineKind, type ProfileCandidate, type ReportFormat,
  type Transport,
} from './types.ts';
