import { ExitCode } from '../../core/errors.ts';
import { formatGB } from '../../core/bytes.ts';
import { detectProfile } from '../../facter/detect.ts';
import { readFacterReport } from '../../facter/parse.ts';
import type { Detection } from '../../facter/types.ts';
import { loadProfiles } from '../../plan/profiles.ts';
import { emit, str, type Command } from '../command.ts';
import { usageError } from '../../core/errors.ts';
import { detectInfo } from './detect.meta.ts';

export const detect: Command = {
  ...detectInfo,
  async run(values, _positionals, io) {
    const file = str(values, 'facter');
    if (file === undefined) throw usageError('--facter FILE is required', 'pass the path of a nixos-facter report');
    const report = await readFacterReport(file);
    const detection = detectProfile(report, await loadProfiles(str(values, 'profiles')));
    emit(io, { source: report.source, format: report.format, firmware: report.machine.firmware, ...detection }, () => describeDetection(detection));
    return detection.profile === null ? ExitCode.refused : ExitCode.ok;
  },
};

export function describeDetection(d: Detection): string {
  const lines = [
    d.profile === null
      ? `profile: none — refused: ${d.reason ?? 'not determined'}`
      : `profile: ${d.profile} (confidence ${d.confidence})`,
    `machine: ${d.machine}`,
    'disks:',
    ...d.disks.map((x) => `  ${x.device.padEnd(14)} ${formatGB(x.sizeBytes).padStart(10)}  ${x.transport.padEnd(11)} ${x.removable ? 'removable ' : ''}${x.model}`),
  ];
  if (d.ignored.length > 0) lines.push('ignored:', ...d.ignored.map((x) => `  ${x.device.padEnd(14)} ${x.reason}`));
  lines.push('evidence:', ...d.evidence.map((e) => `  - ${e}`));
  if (d.candidates.length > 0) lines.push('candidates:', ...d.candidates.map((c) => `  ${c.profile.padEnd(15)} ${c.score.toFixed(2)}  ${c.why}`));
  return lines.join('\n');
}
