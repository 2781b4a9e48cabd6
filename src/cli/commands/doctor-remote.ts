// `panther doctor remote`: parses the flags, runs the bucket check (src/repo/doctor/remote.ts), prints.
import { ENV } from '../../core/defaults.ts';
import { ExitCode, usageError } from '../../core/errors.ts';
import { checkRemote, type RemoteReport } from '../../repo/doctor/remote.ts';
import { emit, str, type Command } from '../command.ts';
import { onlyHost, optionalPlan } from '../repo-options.ts';
import { doctorRemoteInfo } from './doctor-remote.meta.ts';

export function describeRemote(r: RemoteReport): string {
  const lines = [`doctor remote ${r.host} at ${r.target}`];
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.subject}]`, `        expected: ${f.expected}`, `        found:    ${f.found}`, `        fix:      ${f.fix.split('\n').join('\n                  ')}`);
  }
  lines.push(r.counts.error + r.counts.warning === 0 ? 'clean: the key can list, write, read and delete, and the lifecycle rule is in place' : `${r.counts.error} error(s), ${r.counts.warning} warning(s), ${r.counts.info} info`);
  return lines.join('\n');
}

export const doctorRemote: Command = {
  ...doctorRemoteInfo,
  async run(values, _positionals, io) {
    const url = str(values, 'repo') ?? process.env[ENV.repo];
    if (url === undefined || !/^s3:\/\//i.test(url)) throw usageError('doctor remote checks an s3:// repository', 'pass --repo s3://BUCKET/PREFIX?region=REGION or set PANTHER_REPO');
    const host = str(values, 'host') ?? (await optionalPlan(values))?.host ?? await onlyHost(url, io);
    const report = await checkRemote({ url, host });
    emit(io, report, () => describeRemote(report));
    return report.counts.error > 0 ? ExitCode.failed : ExitCode.ok;
  },
};
