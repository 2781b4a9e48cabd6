// `btrfs scrub`: read everything back and check it against its checksums. `status` and
// `start -B` print the same summary, so one parser serves both.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { parseBytes } from '../core/bytes.ts';

export interface ScrubStatus {
  uuid: string | null;
  /** False when the filesystem was never scrubbed ("no stats available"). */
  hasStats: boolean;
  /** As printed, in the host's local time: "Tue Nov 24 06:32:03 2026". */
  startedText: string | null;
  /** "finished", "running", "aborted", "interrupted", … */
  status: string | null;
  durationSeconds: number | null;
  totalToScrubBytes: number | null;
  /** Counts by error kind (csum, read, verify, super, …); empty when "no errors found". */
  errors: Record<string, number>;
  corrected: number;
  uncorrectable: number;
  unverified: number;
}

/** "1:02:03" → 3723. Hours may exceed 24. */
function parseDuration(text: string): number | null {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(text.trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

export function parseScrubStatus(text: string): ScrubStatus {
  const fields = new Map<string, string>();
  let uuid: string | null = null;
  for (const line of text.split('\n')) {
    const done = /^scrub (?:done|started|aborted|canceled) for (\S+)/.exec(line);
    if (done) { uuid = done[1]!; continue; }
    const m = /^\s*([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (m) fields.set(m[1]!.trim(), m[2]!.trim());
  }
  uuid = fields.get('UUID') ?? uuid;

  const errors: Record<string, number> = {};
  const summary = fields.get('Error summary') ?? '';
  for (const [, kind, count] of summary.matchAll(/(\w+)=(\d+)/g)) errors[kind!] = Number(count);
  const count = (key: string): number => Number(fields.get(key) ?? 0) || 0;
  const total = fields.get('Total to scrub');

  return {
    uuid,
    hasStats: !/no stats available/.test(text),
    startedText: fields.get('Scrub started') ?? null,
    status: fields.get('Status') ?? null,
    durationSeconds: parseDuration(fields.get('Duration') ?? ''),
    totalToScrubBytes: total === undefined ? null : parseBytes(total, 'scrub total'),
    errors,
    corrected: count('Corrected'),
    uncorrectable: count('Uncorrectable'),
    unverified: count('Unverified'),
  };
}

export async function scrubStatus(path: string): Promise<ScrubStatus> {
  safePath(path);
  const { stdout } = await run('btrfs', ['scrub', 'status', '--raw', '--', path], { subject: path });
  return parseScrubStatus(stdout);
}

export interface ScrubStartOptions {
  /** Default: no limit, a scrub of a large disk takes hours. */
  timeoutMs?: number;
}

/**
 * Runs a scrub in the foreground and returns its summary. Uncorrectable errors (exit 3) are a
 * result to report, not a failure of the command.
 */
export async function scrubStart(path: string, opts: ScrubStartOptions = {}): Promise<ScrubStatus> {
  safePath(path);
  const { stdout } = await run('btrfs', ['scrub', 'start', '-B', '--', path], {
    subject: path, allowExit: [3], timeoutMs: opts.timeoutMs ?? 0,
  });
  return parseScrubStatus(stdout);
}
