// Progress of long work on stderr: redrawn in place on a terminal, a plain line every few seconds
// otherwise (logs, systemd journal).
import { formatBytes } from '../../core/bytes.ts';
import type { BackupProgress } from '../../repo/index.ts';
import type { Io } from '../command.ts';

export function backupProgressPrinter(io: Io, totalBytes?: number): (label: string, p: Readonly<BackupProgress>) => void {
  const started = Date.now();
  let last = 0;
  const interval = io.tty ? 250 : 5000;
  return (label, p) => {
    const now = Date.now();
    if (now - last < interval) return;
    last = now;
    const seconds = Math.max(0.001, (now - started) / 1000);
    const rate = p.bytesRead / seconds;
    const eta = totalBytes === undefined || rate === 0 ? 'ETA unknown' : `ETA ${Math.max(0, Math.round((totalBytes - p.bytesRead) / rate))} s`;
    const line = `${label}: read ${formatBytes(p.bytesRead)}, new ${formatBytes(p.newBytes)}, dedup ${formatBytes(p.dedupBytes)}, ` +
      `stored ${formatBytes(p.storedBytes)}, ${formatBytes(rate)}/s, ${eta}`;
    if (io.tty) process.stderr.write(`\r\x1b[K${line}`);
    else io.err(line);
  };
}
