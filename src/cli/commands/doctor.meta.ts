// `panther doctor`: what --help and routing need, cheap to load; ./doctor.ts runs it.
import type { CommandInfo } from '../command.ts';
// The plan as applied lives where the default plan is: provision/recorded-plan.ts (a test checks).
import { DEFAULT_PLAN as RECORDED_PLAN } from '../options.ts';

export const doctorInfo: CommandInfo = {
  name: 'doctor',
  summary: 'check a live system against its plan, and its btrfs health',
  usage: 'panther doctor [--plan FILE] [--root DIR] [--fstab FILE] [--json]',
  help: `  --plan FILE    the host's plan; without it the plan provision recorded in
                 ROOT${RECORDED_PLAN} is used, and without either only the generic health checks run.
                 With both, sizes the recorded plan shrank (provision --fit-to-device) are taken
                 from it and listed as info
  --root DIR     where the host's filesystems are mounted (default /)
  --fstab FILE   mount table whose requested options are compared with those in effect
                 (default /etc/fstab when --root is /)
  --json         { findings: [{ id, severity, subject, expected, found, fix }], counts, state }

Checks: every planned subvolume exists and is mounted where planned; no-CoW set (lsattr) where
planned and absent where not; compression property; filesystem-wide options in effect and options
the kernel ignored; swapfile valid; used space above 85 %; unallocated space low; device error
counters; last scrub older than 35 days; PostgreSQL data checksums off on no-CoW data.
Exit 0 when no finding is an error, 1 otherwise.`,
  options: { plan: { type: 'string' }, root: { type: 'string' }, fstab: { type: 'string' } },
};
