// Command-line flags of `npm run bench`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TOOL_NAMES, type ToolName } from './tools.ts';

export interface BenchOptions {
  sizeGb: number;
  tools: ToolName[];
  /** Stream sizes (GB) of the RSS check; empty: skipped. */
  rssSizesGb: number[];
  /** Stream size (GB) of the RSS check against a remote repository (the local S3 server); 0: skipped. */
  remoteRssGb: number;
  tinyFiles: number;
  tinyChanges: number;
  /** Files in the large tiny-change tree (same shape, panther vs restic); 0: skipped. */
  tinyFilesLarge: number;
  /** Simulated days of the month scenario; 0: skipped. */
  monthDays: number;
  /** Times each tool restores s2, interleaved; the fastest counts. */
  restoreRounds: number;
  /** Where `node --cpu-prof` writes a profile of panther's initial backup; undefined: not profiled. */
  cpuProfileDir?: string;
  json: boolean;
  keep: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]   (root; btrfs, loop devices)

  --size-gb N        dataset scale; 1 ≈ 1 GiB (default 1)
  --tools LIST       comma-separated subset of ${TOOL_NAMES.join(',')} (default: all)
  --rss-sizes LIST   stream sizes in GB for panther's peak-RSS check (default 2; "2,8" also
                     checks that RSS stays flat, adding ~4 min; "none" skips the check)
  --remote-rss GB    the same check once into a remote repository, through the S3 API to a
                     local S3 server (default 1; 0 skips it)
  --tiny-files N     files in the tiny-change tree (default 100000); --tiny-files 0 skips it
  --tiny-changes N   files changed in it (default 100)
  --tiny-files-large N  the large tiny-change tree, panther vs restic and raw (default 1000000;
                     0 skips it)
  --month-days N     days of the month scenario: daily changes, one backup a day (default 30;
                     0 skips it)
  --restore-rounds N restore s2 N times per tool, the tools interleaved; the fastest counts
                     (default 2; every round is printed)
  --cpu-profile DIR  also back up s1 once more under node --cpu-prof (not timed) and print the
                     top functions by self time; the .cpuprofile stays in DIR
  --json             one JSON document on stdout instead of the tables
  --keep             leave the loop filesystem, repositories and restores in place`;

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'size-gb': { type: 'string' }, tools: { type: 'string' }, 'rss-sizes': { type: 'string' }, 'remote-rss': { type: 'string' },
      'tiny-files': { type: 'string' }, 'tiny-changes': { type: 'string' }, 'tiny-files-large': { type: 'string' },
      'month-days': { type: 'string' }, 'restore-rounds': { type: 'string' }, 'cpu-profile': { type: 'string' },
      json: { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const number = (text: string | undefined, fallback: number, what: string): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${what}: "${text}" is not a non-negative number`);
    return n;
  };
  const tools = (values.tools ?? TOOL_NAMES.join(',')).split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = tools.filter((t) => !(TOOL_NAMES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`--tools: unknown ${unknown.join(', ')} (known: ${TOOL_NAMES.join(', ')})`);
  const rss = values['rss-sizes'] ?? '2';
  const sizeGb = number(values['size-gb'], 1, '--size-gb');
  if (sizeGb < 0.05) throw new Error('--size-gb: at least 0.05');
  return {
    sizeGb,
    tools: tools as ToolName[],
    rssSizesGb: rss === 'none' ? [] : rss.split(',').map((s) => number(s, 0, '--rss-sizes')).filter((n) => n > 0),
    remoteRssGb: number(values['remote-rss'], 1, '--remote-rss'),
    tinyFiles: Math.round(number(values['tiny-files'], 100_000, '--tiny-files')),
    tinyChanges: Math.round(number(values['tiny-changes'], 100, '--tiny-changes')),
    tinyFilesLarge: Math.round(number(values['tiny-files-large'], 1_000_000, '--tiny-files-large')),
    monthDays: Math.round(number(values['month-days'], 30, '--month-days')),
    restoreRounds: Math.max(1, Math.round(number(values['restore-rounds'], 2, '--restore-rounds'))),
    ...(values['cpu-profile'] === undefined ? {} : { cpuProfileDir: resolve(values['cpu-profile']) }),
    json: values.json === true,
    keep: values.keep === true,
  };
}
