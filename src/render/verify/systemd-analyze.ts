// Checks rendered systemd units with systemd-analyze, offline: no running systemd (PID 1) is needed,
// and nothing is installed or started. Tested with systemd 252 (Debian 12), as root and as nobody.
//
// How it is invoked, and why:
// - `systemd-analyze --no-pager calendar [--base-time=@EPOCH] -- EXPR`: parses EXPR as OnCalendar
//   does and prints its normalized form and next elapse. `--base-time` makes the next elapse
//   reproducible; TZ (default UTC) fixes the zone it is printed in and the zone of an expression that
//   names none; LC_ALL=C keeps the labels parseable.
// - `systemd-analyze --no-pager verify --man=no --generators=no --recursive-errors=no -- FILE…`: loads
//   the files as the manager would, with the files' directory added to the unit search path (so a
//   timer's Unit= finds its service there); no --root: with --root the files are looked up inside that
//   root and not found ("Unit … not found").
//   --man=no: Documentation= man pages are not what is checked, and CI images often lack them.
//   --generators=no: generators would add this machine's units and may need root.
//   --recursive-errors=no: judge the given units, not this machine's copies of local-fs.target & co.
// - The exit status is not enough: unknown keys, an unparseable OnCalendar and settings that do not
//   apply (RuntimeMaxSec= on a oneshot) are warnings with exit status 0. So any output line is a
//   finding. verify also checks that each ExecStart= binary exists and is executable: render with a
//   path that exists here (the tests use a stub), not the NixOS default /run/current-system/sw/bin.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PantherError } from '../../core/errors.ts';
import { findOnPath } from '../../core/find-on-path.ts';

export const SYSTEMD_ANALYZE = 'systemd-analyze';

/** Suffixes of the unit files verifyUnits hands to systemd-analyze. */
const UNIT_FILE = /\.(service|timer|socket|target|path|mount|automount|slice)$/;

/** The systemd-analyze on PATH, or null. */
export function findSystemdAnalyze(): string | null {
  return findOnPath(SYSTEMD_ANALYZE);
}

export interface CalendarOptions {
  /** Compute the next elapse after this instant instead of now. */
  baseTime?: Date;
  /** Zone for expressions without one and for the printed elapse; default "UTC". */
  timezone?: string;
  timeoutMs?: number;
}

export interface CalendarResult {
  /** systemd's normalized form: `*:0/15` → `*-*-* *:00/15:00`. */
  normalized: string;
  /** Next elapse as an ISO-8601 UTC instant, null when the expression never elapses again. */
  nextElapse: string | null;
}

export interface VerifyResult {
  /** Exit status 0 and no output at all. */
  ok: boolean;
  exitCode: number;
  /** Every line systemd-analyze printed (warnings included). */
  messages: string[];
  /** The unit files checked. */
  files: string[];
}

/** The argv after `systemd-analyze` for checking one calendar expression (exported for tests and docs). */
export function calendarArgs(expr: string, opts: CalendarOptions = {}): string[] {
  const base = opts.baseTime === undefined ? [] : [`--base-time=@${Math.floor(opts.baseTime.getTime() / 1000)}`];
  // `--` so an expression can never be read as an option.
  return ['--no-pager', 'calendar', ...base, '--', expr];
}

/** The argv after `systemd-analyze` for verifying unit files. */
export function verifyArgs(files: readonly string[]): string[] {
  return ['--no-pager', 'verify', '--man=no', '--generators=no', '--recursive-errors=no', '--', ...files];
}

interface Run { code: number; stdout: string; stderr: string }

function run(args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    execFile(SYSTEMD_ANALYZE, args, {
      env: { ...process.env, LC_ALL: 'C', SYSTEMD_COLORS: '0', ...env }, encoding: 'utf8', timeout: timeoutMs, shell: false,
    }, (error, stdout, stderr) => {
      if (error === null) { resolvePromise({ code: 0, stdout, stderr }); return; }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new PantherError('missing-tool', `${SYSTEMD_ANALYZE}: command not found`, {
          subject: SYSTEMD_ANALYZE, cause: error, hint: 'install systemd (Debian: apt-get install -y systemd) to check rendered units',
        }));
        return;
      }
      if (typeof code !== 'number') { reject(error); return; }
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** "Tue 2026-11-24 08:00:00 UTC" → "2026-11-24T08:00:00.000Z". */
function elapseInstant(text: string, expr: string): string | null {
  if (text === 'never') return null;
  const m = /^[A-Z][a-z]{2} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(text);
  if (m === null) throw new PantherError('systemd-analyze-output', `${expr}: cannot read the next elapse ${JSON.stringify(text)}`, { subject: expr });
  return new Date(`${m[1]}T${m[2]}Z`).toISOString();
}

/** Parses `expr` as OnCalendar= would; throws PantherError "calendar-invalid" when systemd refuses it. */
export async function checkCalendar(expr: string, opts: CalendarOptions = {}): Promise<CalendarResult> {
  const timezone = opts.timezone ?? 'UTC';
  const result = await run(calendarArgs(expr, opts), { TZ: timezone }, opts.timeoutMs ?? 30_000);
  if (result.code !== 0) {
    throw new PantherError('calendar-invalid', `${JSON.stringify(expr)} is not a valid OnCalendar expression: ${result.stderr.trim()}`, {
      subject: expr, details: { stderr: result.stderr }, hint: 'see systemd.time(7), "Calendar Events"',
    });
  }
  const field = (label: string): string | undefined =>
    result.stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2);
  const normalized = field('Normalized form');
  const next = field('Next elapse');
  if (normalized === undefined || next === undefined) {
    throw new PantherError('systemd-analyze-output', `${expr}: unexpected systemd-analyze calendar output:\n${result.stdout}`, { subject: expr });
  }
  // With TZ=UTC the elapse is printed in UTC; any other zone adds a "(in UTC)" line, which is read instead.
  return { normalized, nextElapse: elapseInstant(field('(in UTC)') ?? next, expr) };
}

/** Runs `systemd-analyze verify` on every unit file in `dir` (not recursive). */
export async function verifyUnits(dir: string, opts: { timeoutMs?: number } = {}): Promise<VerifyResult> {
  const files = (await readdir(dir)).filter((name) => UNIT_FILE.test(name)).sort().map((name) => resolve(dir, name));
  if (files.length === 0) {
    throw new PantherError('systemd-verify-empty', `${dir}: no unit files to verify`, { subject: dir });
  }
  const result = await run(verifyArgs(files), {}, opts.timeoutMs ?? 60_000);
  const messages = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  return { ok: result.code === 0 && messages.length === 0, exitCode: result.code, messages, files };
}
