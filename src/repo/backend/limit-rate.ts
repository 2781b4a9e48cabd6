// Bandwidth as users write it on the command line (`--bandwidth 10Mbit`) and as we print it. The plan
// stores bits per second (BackupPolicy.bandwidthBitsPerSecond), links are sold in bits, so:
//   - a bare number is bits per second;
//   - bit units are decimal, as for links: bit, kbit, Mbit, Gbit, or bps, kbps, Mbps, Gbps (any case);
//   - byte units need a capital B: B, kB/KB, MB, GB (decimal) and KiB, MiB, GiB (binary);
//   - an optional "/s" may follow any unit ("10Mbit/s", "1.25MB/s");
//   - "unlimited" (or "off") switches the cap off.
// Single letters ("10M", "10mb") are refused: whether they mean bits or bytes is a factor of 8.
import { ExitCode, PantherError } from '../../core/errors.ts';

const BIT_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };
const BYTE_UNITS: Record<string, number> = { B: 8, kB: 8e3, KB: 8e3, MB: 8e6, GB: 8e9, KiB: 8 * 1024, MiB: 8 * 1024 ** 2, GiB: 8 * 1024 ** 3 };

const HINT = 'write e.g. 10Mbit, 800kbit, 1.25MB/s, 1MiB/s, 10000000 (bits per second), or unlimited';

/** Bits per second, or null for "unlimited". */
export function parseBandwidth(text: string, subject = '--bandwidth'): number | null {
  const trimmed = text.trim();
  if (/^(unlimited|off)$/i.test(trimmed)) return null;
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)(?:\/s)?$/.exec(trimmed);
  const unit = match?.[2] ?? '';
  const factor = unit === '' ? 1 : BYTE_UNITS[unit] ?? BIT_UNITS[unit.toLowerCase()];
  if (match === null || factor === undefined) {
    throw new PantherError('bad-bandwidth', `${subject}: cannot read "${text}" as a bandwidth`, { subject, exitCode: ExitCode.usage, hint: HINT });
  }
  const bits = Number(match[1]) * factor;
  // Below ~1 kbit/s a single 64 KiB slice would take minutes: certainly a typo.
  if (!(bits >= 1000)) {
    throw new PantherError('bad-bandwidth', `${subject}: ${text} is below 1 kbit/s`, { subject, exitCode: ExitCode.usage, hint: HINT });
  }
  return bits;
}

/** "10 Mbit/s", "800 kbit/s", "unlimited". */
export function formatBandwidth(bitsPerSecond: number | null): string {
  if (bitsPerSecond === null) return 'unlimited';
  for (const [unit, size] of [['Gbit/s', 1e9], ['Mbit/s', 1e6], ['kbit/s', 1e3]] as const) {
    if (bitsPerSecond >= size) return `${trim(bitsPerSecond / size)} ${unit}`;
  }
  return `${trim(bitsPerSecond)} bit/s`;
}

const trim = (n: number): string => String(Number(n.toFixed(2)));
