// Byte sizes as users write them ("512M", "2G", "1.5TiB") and as we print them.
import { PantherError, ExitCode } from './errors.ts';

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

/** Parses "512M" / "2GiB" / "458GB" / "1048576". Single letters are binary, as in disko and sgdisk. */
export function parseBytes(text: string, subject = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = UNITS[unit];
  if (!match || factor === undefined) {
    throw new PantherError('bad-size', `${subject}: cannot read "${text}" as a size`, {
      subject, exitCode: ExitCode.usage,
      hint: 'write a number with an optional unit: 512M, 8G, 458GB, 2TiB',
    });
  }
  return Math.round(Number(match[1]) * factor);
}

/** Human-readable binary size: 1.5 GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i++; }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${i === 0 ? value.toFixed(0) : value.toFixed(value < 10 ? 2 : 1)} ${units[i]}`;
}

/** Decimal gigabytes, the unit providers sell disks in: 458.0 GB. */
export function formatGB(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** A size in disko/sgdisk notation, rounded down to whole MiB: "8192M". */
export function toDiskoSize(bytes: number): string {
  const mib = Math.floor(bytes / 1024 ** 2);
  if (mib % 1024 === 0 && mib > 0) return `${mib / 1024}G`;
  return `${mib}M`;
}
