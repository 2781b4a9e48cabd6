// StoragePlan → the systemd units that run panther on a schedule: snapshots on the plan's OnCalendar
// expressions, the nightly offsite backup in the host's slot of the fleet's window, and the restore
// drills (weekly, monthly, quarterly). One model
// (`pantherUnits`) feeds both outputs: plain unit files here (`panther render systemd`) and the same
// units as `systemd.services` / `systemd.timers` in the NixOS module (nixos.ts), so they cannot drift.
//
// Values in the model are exactly what follows `=` in a unit file; NixOS writes serviceConfig and
// timerConfig values verbatim too, so the same escaping (`%%`, `$$`) is right for both.
import { DEFAULT_SCRATCH_DIR, DEFAULT_SERVE_ADMIN_TOKEN_FILE, DEFAULT_SERVE_READ_TOKEN_FILE } from '../core/defaults.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { BackupPolicy, HookConfig, SnapshotSchedule, StoragePlan } from '../plan/types.ts';
import { backupWindows } from '../plan/backup-window.ts';
import { generatedHeader } from './describe.ts';

/** Where `panther` is on a NixOS system that has it in environment.systemPackages. */
export const DEFAULT_PANTHER_BIN = '/run/current-system/sw/bin/panther';

export interface SystemdOptions {
  /** Absolute path of the panther executable used in ExecStart=. */
  panther?: string;
  /** The serve unit's options (the NixOS module's storage.serve); default DEFAULT_SERVE_OPTIONS. */
  serve?: ServeUnitOptions;
  /** The drill units' options (the NixOS module's storage.drill); default DEFAULT_DRILL_OPTIONS. */
  drill?: DrillUnitOptions;
}

/** ExecStart= that runs panther with these arguments; each renderer knows where panther is. */
export interface PantherCommand {
  readonly pantherArgs: readonly string[];
  /**
   * Flags whose value is a systemd credential: `[flag, name]` becomes `flag %d/name` (the unit's
   * credentials directory; the one specifier a command line here means), after pantherArgs.
   */
  readonly credentialArgs?: ReadonlyArray<readonly [flag: string, credential: string]>;
}

export type UnitValue = string | number | boolean | PantherCommand;

export interface PantherUnit {
  /** Full unit name, e.g. "panther-snapshot-daily.timer". */
  name: string;
  /** Why the unit is as it is; printed above it (units of one kind share the text). */
  comment: string[];
  description: string;
  wants: string[];
  after: string[];
  /** The [Service] or [Timer] section (by the name's suffix), in order. */
  settings: Array<[key: string, value: UnitValue]>;
  /** [Install] WantedBy=. */
  wantedBy: string[];
  /** NixOS restarts a changed service on switch; a backup mid-upload should rather finish its window. */
  keepRunningOnSwitch?: boolean;
}

export const SNAPSHOT_SERVICE = 'panther-snapshot.service';
const SNAPSHOT_TIERS = ['frequent', 'hourly', 'daily', 'weekly', 'monthly'] as const satisfies ReadonlyArray<keyof SnapshotSchedule>;
type ScheduledTier = (typeof SNAPSHOT_TIERS)[number];

export const isPantherCommand = (v: UnitValue): v is PantherCommand => typeof v === 'object';

function refuse(subject: string, message: string, hint: string): never {
  throw new PantherError('render-refused', `${subject}: ${message}`, { subject, hint, exitCode: ExitCode.refused });
}

/** A unit file value is one line; a newline from the plan would inject settings. */
function oneLine(subject: string, value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) refuse(subject, `${JSON.stringify(value)} contains a control character`, 'fix the plan');
  return value;
}

/** Description= and ExecStart= expand %-specifiers; %% is a literal %. */
const noSpecifiers = (s: string): string => s.replaceAll('%', '%%');

/**
 * One word of an ExecStart= command line: systemd expands %-specifiers and $VARIABLES there, and splits
 * on whitespace and quotes. Words here are a path and panther's own arguments, so anything needing
 * quotes is refused rather than quoted.
 */
export function execWord(word: string): string {
  if (word === '' || /[\s"'\\\x00-\x1f\x7f;]/.test(word)) {
    refuse('ExecStart', `${JSON.stringify(word)} cannot be one word of a systemd command line`, 'use a path without spaces, quotes or backslashes');
  }
  return noSpecifiers(word).replaceAll('$', () => '$$');
}

/** A credential's name, as LoadCredential= and %d/NAME take it. */
const CREDENTIAL_NAME = /^[a-z][a-z0-9-]*$/;

/** `flag %d/name` for each credential argument. */
export function credentialWords(command: PantherCommand): string[] {
  return (command.credentialArgs ?? []).flatMap(([flag, name]) => {
    if (!CREDENTIAL_NAME.test(name)) refuse('ExecStart', `credential name ${JSON.stringify(name)} is not a plain name`, 'use lowercase letters, digits and -');
    return [execWord(flag), `%d/${name}`];
  });
}

/** The ExecStart= line for the plain unit files. */
export function execLine(panther: string, command: PantherCommand): string {
  if (!panther.startsWith('/')) refuse('ExecStart', `panther path ${JSON.stringify(panther)} is not absolute`, 'give an absolute path');
  return [...[panther, ...command.pantherArgs].map(execWord), ...credentialWords(command)].join(' ');
}

// ---- time arithmetic -------------------------------------------------------------------------------

const DAY_MINUTES = 24 * 60;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const clock = (minutes: number): string => {
  const m = ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** Seconds as a systemd time span: "2h 40min", "5min", "0". */
export function timeSpan(seconds: number): string {
  if (seconds === 0) return '0';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    if (rest >= size) { parts.push(`${Math.floor(rest / size)}${unit}`); rest %= size; }
  }
  return parts.join(' ');
}

/** Day indices (0 = Mon) as OnCalendar weekdays: runs of three or more as ranges, "Mon..Fri", "Sat,Sun". */
export function weekdayList(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[run.length - 1] === d - 1) run.push(d);
    else runs.push([d]);
  }
  return runs.flatMap((run) => (run.length >= 3 ? [`${WEEKDAYS[run[0]!]}..${WEEKDAYS[run[run.length - 1]!]}`] : run.map((d) => WEEKDAYS[d]!))).join(',');
}

export interface BackupSlot {
  /** "weekdays" or "weekends". */
  window: keyof BackupPolicy['window'];
  /** The OnCalendar expression (without time zone) that starts this host's backup. */
  calendar: string;
  /** This host's start and the window's end, "HH:MM". */
  start: string;
  end: string;
  /** From this host's start to the window's end. */
  seconds: number;
}

const WINDOW_DAYS: Record<keyof BackupPolicy['window'], number[]> = { weekdays: [0, 1, 2, 3, 4], weekends: [5, 6] };

/**
 * This host's backup slot in one window: the fleet's window opens at its start, this host begins
 * `staggerMinutes` later so hosts never share the link. A stagger that carries the start past midnight
 * moves it to the next day (a Friday 23:50 window + 20 min starts Saturday 00:10); a window that ends
 * before it starts runs through midnight.
 */
export function backupSlot(policy: BackupPolicy, window: keyof BackupPolicy['window']): BackupSlot {
  // The one window parser: a bad window or stagger is the same bad-window error here as in backup run.
  const spec = backupWindows(policy.window, policy.staggerMinutes)[window];
  const stagger = policy.staggerMinutes;
  const open = spec.startMinutes;
  const close = open + spec.lengthMinutes;
  const length = spec.lengthMinutes;
  const startMinutes = open + stagger;
  const shift = Math.floor(startMinutes / DAY_MINUTES);
  const days = WINDOW_DAYS[window].map((d) => (d + shift) % 7);
  const start = clock(startMinutes);
  return {
    window, start, end: clock(close), seconds: (length - stagger) * 60,
    calendar: `${weekdayList(days)} *-*-* ${start}:00`,
  };
}

/**
 * Adds the plan's time zone to an OnCalendar expression, so "02:00" means 02:00 where the plan says
 * (retention buckets use the same zone) whatever the machine's local time is. Without a plan time zone
 * the machine's local time applies, as for any timer.
 */
export function withTimezone(calendar: string, timezone: string | null): string {
  const expr = oneLine('OnCalendar', calendar.trim());
  if (timezone === null) return expr;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timezone)) refuse('snapshots.timezone', `${JSON.stringify(timezone)} is not an IANA time zone name`, 'e.g. "Europe/Berlin" or "UTC"');
  const tokens = expr.split(/\s+/);
  const last = tokens[tokens.length - 1]!;
  // A last token that starts with a letter after other tokens is already a zone ("Mon..Fri" is never last).
  if (tokens.length > 1 && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(last) && !WEEKDAYS.some((d) => last.startsWith(d))) {
    if (last === timezone) return expr;
    refuse('snapshots.schedule', `calendar ${JSON.stringify(expr)} names zone ${last}, the plan ${timezone}`, 'drop the zone from the calendar');
  }
  return `${expr} ${timezone}`;
}

// ---- the units -------------------------------------------------------------------------------------

/** Randomized delay of a snapshot tier's timer, in seconds. */
export function snapshotDelaySeconds(tier: ScheduledTier): number {
  // frequent/hourly are there for the RPO, and lint (rpo.ts) counts their interval as the RPO exactly,
  // which every spec host meets with no slack (Hetzner 15 min = 15 min). A delay of up to D makes two
  // snapshots up to interval + D apart, so any delay would break the objective unseen: none.
  // Daily and longer tiers: 5 min, nothing against a day, spreads hosts that share a hypervisor.
  return tier === 'frequent' || tier === 'hourly' ? 0 : 300;
}

function hookSeconds(plan: StoragePlan): number {
  const hooks: HookConfig[] = plan.pools.flatMap((p) => p.subvolumes.flatMap((s) => s.hooks ?? []));
  return hooks.reduce((sum, h) => sum + h.timeoutSeconds, 0);
}

function snapshotService(plan: StoragePlan): PantherUnit {
  // A oneshot has no start timeout by default, and a hung run would swallow every later trigger (a start
  // request merges into the running job). 10 min for the snapshots themselves plus every hook's own limit.
  const timeout = 600 + hookSeconds(plan);
  return {
    name: SNAPSHOT_SERVICE,
    comment: [
      'Takes the snapshots that are due now: `snapshot run` works out from the clock which tiers are due',
      'for which subvolume, so every snapshot timer below starts this one service and overlapping',
      'triggers merge into one run. `--wait 120`: a manual panther command holding the host lock delays',
      'the run instead of failing it (exit 11).',
      'I/O class best-effort at the lowest priority, not idle: the idle class can wait indefinitely on a',
      'busy disk, and while it waits the database hooks hold their consistency point.',
    ],
    description: `Panther: take the snapshots due now on ${plan.host}`,
    wants: [],
    after: ['local-fs.target'],
    settings: [
      ['Type', 'oneshot'],
      ['ExecStart', { pantherArgs: ['snapshot', 'run', '--wait', '120'] }],
      ['Nice', 10],
      ['IOSchedulingClass', 'best-effort'],
      ['IOSchedulingPriority', 7],
      ['TimeoutStartSec', timeSpan(timeout)],
    ],
    wantedBy: [],
  };
}

function snapshotTimer(plan: StoragePlan, tier: ScheduledTier, calendar: string): PantherUnit {
  const delay = snapshotDelaySeconds(tier);
  return {
    name: `panther-snapshot-${tier}.timer`,
    comment: [
      'One timer per scheduled tier (plan.snapshots.schedule). Persistent=true: a snapshot missed while',
      'the machine was off is taken right after boot. AccuracySec=1s: the default 1 min would shift',
      'the frequent tier by up to a minute. RandomizedDelaySec: 0 for the frequent and hourly tiers,',
      'which carry the RPO (a delay adds to the gap between snapshots); 5 min for daily and longer,',
      'fixed per host (FixedRandomDelay) so its daily snapshots stay exactly a day apart.',
    ],
    description: `Panther: ${tier} snapshots on ${plan.host}`,
    wants: [],
    after: [],
    settings: [
      ['OnCalendar', withTimezone(calendar, plan.snapshots.timezone)],
      ['Persistent', true],
      ['AccuracySec', '1s'],
      ['RandomizedDelaySec', timeSpan(delay)],
      ...(delay > 0 ? [['FixedRandomDelay', true] as [string, UnitValue]] : []),
      ['Unit', SNAPSHOT_SERVICE],
    ],
    wantedBy: ['timers.target'],
  };
}

function backupUnits(plan: StoragePlan, slot: BackupSlot): PantherUnit[] {
  const name = `panther-backup-${slot.window}`;
  const service: PantherUnit = {
    name: `${name}.service`,
    comment: [
      'Offsite backup in this host\'s slot of the nightly window (window start + staggerMinutes), one',
      'service per window because the windows end at different times. `--window` tells panther when to',
      'stop; uploads resume in the next window (NOTES 12). RuntimeMaxSec is the safety net for a run',
      'that does not stop: the time left in the window. Type=exec, because RuntimeMaxSec has no effect',
      'on a oneshot. Wants/After the snapshot service: the snapshots due now (tonight\'s daily) are taken',
      'before the backup reads them.',
    ],
    description: `Panther: offsite backup of ${plan.host}, ${slot.window} window ${slot.start}-${slot.end}`,
    wants: ['network-online.target', SNAPSHOT_SERVICE],
    after: ['network-online.target', SNAPSHOT_SERVICE],
    settings: [
      ['Type', 'exec'],
      ['ExecStart', { pantherArgs: ['backup', 'run', '--window', `${slot.start}-${slot.end}`] }],
      ['RuntimeMaxSec', timeSpan(slot.seconds)],
      // /var/lib/panther/state holds the upload progress and cost ledger between nights.
      ['StateDirectory', 'panther'],
      ['Nice', 19],
      ['IOSchedulingClass', 'idle'],
    ],
    wantedBy: [],
    keepRunningOnSwitch: true,
  };
  const timer: PantherUnit = {
    name: `${name}.timer`,
    comment: [
      'Persistent=false: a night missed while the machine was off is not made up at boot, in the middle',
      'of the day over the user\'s link; the next window continues where this one stopped. A timer that',
      'elapsed during suspend still fires on resume, so panther itself refuses to start outside --window.',
      'No random delay: the stagger already spreads the fleet, deterministically.',
    ],
    description: `Panther: offsite backup of ${plan.host} in the ${slot.window} window`,
    wants: [],
    after: [],
    settings: [
      ['OnCalendar', withTimezone(slot.calendar, plan.snapshots.timezone)],
      ['Persistent', false],
      ['AccuracySec', '1s'],
      ['Unit', `${name}.service`],
    ],
    wantedBy: ['timers.target'],
  };
  return [service, timer];
}

// ---- restore drills --------------------------------------------------------------------------------

/** The drill levels, in the order their units are rendered (src/drill/types.ts DRILL_LEVELS). */
export const DRILL_UNIT_LEVELS = ['integrity', 'restore', 'disaster'] as const;
export type DrillUnitLevel = (typeof DRILL_UNIT_LEVELS)[number];

export interface DrillUnitOptions {
  /** Where the drill makes its scratch btrfs (`--scratch`); absolute. */
  scratchDir: string;
  /** Download budget per drill in USD (`--budget-usd`); null = the CLI's default. */
  budgetUsd: number | null;
  /** OnCalendar per level, without time zone; null = that level is not scheduled. */
  schedule: Record<DrillUnitLevel, string | null>;
}

/**
 * Midday, when no backup window is open, on days without the weekly check (Wednesday) or prune
 * (Sunday): integrity every Thursday, restore the first Saturday of the month, disaster the second
 * Saturday of January, April, July and October (so it never shares a day with the restore drill).
 */
export const DEFAULT_DRILL_SCHEDULE: Record<DrillUnitLevel, string> = {
  integrity: 'Thu *-*-* 12:00:00',
  restore: 'Sat *-*-01..07 12:00:00',
  disaster: 'Sat *-01,04,07,10-08..14 12:00:00',
};
export const DEFAULT_DRILL_OPTIONS: DrillUnitOptions = { scratchDir: DEFAULT_SCRATCH_DIR, budgetUsd: null, schedule: DEFAULT_DRILL_SCHEDULE };
/** Where the drill state is (the CLI's default state dir): ReadWritePaths of the drill services. */
const DRILL_STATE_DIR = '/var/lib/panther/state';

/**
 * The bounding set of a drill: mount, loop devices and its own mount namespace (SYS_ADMIN); btrfs
 * receive recreating every owner, mode, device node and file capability (CHOWN, FOWNER, FSETID,
 * DAC_OVERRIDE, DAC_READ_SEARCH, MKNOD, SETFCAP); starting PostgreSQL and Redis as their data's owner
 * through setpriv (SETUID, SETGID) and stopping them again (KILL: they then run as another user).
 */
export const DRILL_CAPABILITIES = [
  'CAP_SYS_ADMIN', 'CAP_CHOWN', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH',
  'CAP_MKNOD', 'CAP_SETFCAP', 'CAP_SETUID', 'CAP_SETGID', 'CAP_KILL',
] as const;

/** A drill may take this long: a monthly restore of the largest host at the idle I/O class. */
export const DRILL_TIMEOUT_SECONDS = 6 * 3600;

function drillOptionsChecked(options: DrillUnitOptions): DrillUnitOptions {
  const dir = oneLine('drill.scratchDir', options.scratchDir);
  if (!dir.startsWith('/') || dir.split('/').includes('..')) refuse('drill.scratchDir', `${JSON.stringify(dir)} is not an absolute path`, `give an absolute directory, e.g. ${DEFAULT_SCRATCH_DIR}`);
  if (dir.startsWith('/nix/store/') || dir === '/nix/store') refuse('drill.scratchDir', `${dir} is in the Nix store, which is read-only`, `give a directory on a writable file system, e.g. ${DEFAULT_SCRATCH_DIR}`);
  if (/\s/.test(dir)) refuse('drill.scratchDir', `${JSON.stringify(dir)} contains white space`, 'ReadWritePaths= separates paths by spaces: use a path without');
  const budget = options.budgetUsd;
  if (budget !== null && !(Number.isFinite(budget) && budget >= 0)) refuse('drill.budgetUsd', `${budget} is not an amount of USD`, 'give a number ≥ 0, or null for the CLI\'s default');
  return options;
}

function drillUnits(plan: StoragePlan, level: DrillUnitLevel, calendar: string, options: DrillUnitOptions): PantherUnit[] {
  const name = `panther-drill-${level}`;
  const what = { integrity: 'integrity drill (structure check and a slice of the data)', restore: 'restore drill (newest point of every subvolume into scratch)', disaster: 'disaster drill (restore from the repository alone)' }[level];
  const args = ['drill', level, '--scratch', options.scratchDir, ...(options.budgetUsd === null ? [] : ['--budget-usd', String(options.budgetUsd)])];
  const service: PantherUnit = {
    name: `${name}.service`,
    comment: [
      'A restore drill (`panther drill LEVEL`): proves the backups can be restored. It runs as root',
      'and re-executes itself inside `unshare --mount --propagation private`, so its scratch btrfs on a',
      'loop device is seen by nobody else and goes away with it. Nothing here forbids mount namespaces',
      '(no RestrictNamespaces) or hides devices: the loop devices it creates appear while it runs.',
      'KillMode=control-group: a stopped drill takes the PostgreSQL and Redis servers it started on the',
      'restored copies with it. Type=oneshot with TimeoutStartSec as the bound of a hung drill.',
      'Nice/idle I/O: a drill never slows the host; its measured restore rate (the implied RTO) is',
      'therefore a pessimistic figure. ReadWritePaths: the scratch directory ("-": created by the',
      'drill when missing) and the state directory, where it records its result ("-": the first run makes it).',
    ],
    description: `Panther: ${what} of ${plan.host}`,
    wants: ['network-online.target'],
    after: ['network-online.target', 'local-fs.target'],
    settings: [
      ['Type', 'oneshot'],
      ['ExecStart', { pantherArgs: args }],
      ['TimeoutStartSec', timeSpan(DRILL_TIMEOUT_SECONDS)],
      ['KillMode', 'control-group'],
      ['StateDirectory', 'panther'],
      ['ReadWritePaths', `-${noSpecifiers(options.scratchDir)} -${DRILL_STATE_DIR}`],
      ['CapabilityBoundingSet', DRILL_CAPABILITIES.join(' ')],
      // btrfs receive restores setuid/setgid files and setgid directories (/var/log/journal); the
      // NixOS module's shared hardening denies setting those bits, so the drill says no here.
      ['RestrictSUIDSGID', false],
      ['Nice', 19],
      ['IOSchedulingClass', 'idle'],
    ],
    wantedBy: [],
  };
  const timer: PantherUnit = {
    name: `${name}.timer`,
    comment: [
      'Drills run at midday, outside every backup window and on days without the repository check',
      '(Wednesday) or prune (Sunday): integrity weekly (Thursday), restore monthly (first Saturday),',
      'disaster quarterly (second Saturday of January, April, July, October). Persistent=true: a drill',
      'missed while the machine was off runs after boot. RandomizedDelaySec=1h, fixed per host, spreads',
      'a fleet\'s drills over the repository.',
    ],
    description: `Panther: ${level} drill of ${plan.host}`,
    wants: [],
    after: [],
    settings: [
      ['OnCalendar', withTimezone(calendar, plan.snapshots.timezone)],
      ['Persistent', true],
      ['AccuracySec', '1min'],
      ['RandomizedDelaySec', '1h'],
      ['FixedRandomDelay', true],
      ['Unit', `${name}.service`],
    ],
    wantedBy: ['timers.target'],
  };
  return [service, timer];
}

/** The drill units, a service and timer per scheduled level. */
export function pantherDrillUnits(plan: StoragePlan, options: DrillUnitOptions = DEFAULT_DRILL_OPTIONS): PantherUnit[] {
  const checked = drillOptionsChecked(options);
  return DRILL_UNIT_LEVELS.flatMap((level) => {
    const calendar = checked.schedule[level];
    return calendar === null ? [] : drillUnits(plan, level, calendar, checked);
  });
}

// ---- panther serve ---------------------------------------------------------------------------------

export interface ServeUnitOptions {
  /** HOST:PORT of `panther serve --listen`. */
  listen: string;
  /** `--allow-remote`: needed for a listen address off loopback. */
  allowRemote: boolean;
  /** Files holding the read and admin tokens, loaded as the credentials read-token and admin-token. */
  readTokenFile: string;
  adminTokenFile: string;
  /** The fleet file (`--fleet`): host name → API URL; null = no fleet view. */
  fleetFile: string | null;
  /** The token sent to the fleet hosts (`--fleet-token-file`, the credential fleet-token); null or absent = the read token. */
  fleetTokenFile?: string | null;
  /** `--trust-proxy`: a reverse proxy on this host (Caddy) forwards the clients; rate-limit by the address it appends. */
  trustProxy?: boolean;
}

export const SERVE_SERVICE = 'panther-serve.service';
export const DEFAULT_SERVE_OPTIONS: ServeUnitOptions = {
  listen: '127.0.0.1:9720', allowRemote: false,
  readTokenFile: DEFAULT_SERVE_READ_TOKEN_FILE, adminTokenFile: DEFAULT_SERVE_ADMIN_TOKEN_FILE, fleetFile: null,
};

/**
 * What `panther serve` does on request: create and delete snapshots (SYS_ADMIN), read any user's
 * files for diffs and snapshot directories (DAC_READ_SEARCH, DAC_OVERRIDE, FOWNER), and restore a file
 * with its owner, mode and setgid bit (CHOWN, FSETID).
 */
export const SERVE_CAPABILITIES = ['CAP_SYS_ADMIN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_CHOWN', 'CAP_FSETID'] as const;

/** A loopback HOST:PORT (what --listen may be without --allow-remote). */
export const isLoopbackListen = (listen: string): boolean => /^(127\.[0-9]+\.[0-9]+\.[0-9]+|\[::1\]|localhost):[0-9]+$/.test(listen);

function serveOptionsChecked(options: ServeUnitOptions): ServeUnitOptions {
  if (!/^([0-9.]+|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/.test(options.listen)) refuse('serve.listen', `${JSON.stringify(options.listen)} is not HOST:PORT`, 'e.g. 127.0.0.1:9720');
  if (!options.allowRemote && !isLoopbackListen(options.listen)) {
    refuse('serve.listen', `${options.listen} is not a loopback address`, 'keep 127.0.0.1:PORT behind Caddy, or set allowRemote to serve off loopback on purpose');
  }
  for (const [key, file] of [['readTokenFile', options.readTokenFile], ['adminTokenFile', options.adminTokenFile], ['fleetFile', options.fleetFile ?? '/'], ['fleetTokenFile', options.fleetTokenFile ?? '/']] as const) {
    // LoadCredential= takes NAME:PATH, one word: a ':' or space in the path would cut it.
    if (!file.startsWith('/') || /[\s:\x00-\x1f\x7f]/.test(file)) refuse(`serve.${key}`, `${JSON.stringify(file)} is not an absolute path without spaces or ':'`, 'give the path your secret manager decrypts to, e.g. /run/agenix/panther-read-token');
    if (file.startsWith('/nix/store/')) refuse(`serve.${key}`, `${file} is in the Nix store, which every user can read`, 'give the path your secret manager decrypts to');
  }
  return options;
}

/** Where serve writes: the state directory, every pool's snapshot directory, and the snapshotted subvolumes (restore to place), except /. */
export function serveWritablePaths(plan: StoragePlan): string[] {
  const mounts = plan.pools.flatMap((pool) => {
    const home = pool.snapshotLocation === null ? undefined : pool.subvolumes.find((s) => s.name === pool.snapshotLocation!.subvolume);
    return [home?.mountPoint ?? null, ...pool.subvolumes.filter((s) => s.snapshots !== null).map((s) => s.mountPoint)];
  }).filter((m): m is string => m !== null && m !== '/');
  for (const m of mounts) if (/[\s\x00-\x1f\x7f]/.test(m)) refuse('ReadWritePaths', `mount point ${JSON.stringify(m)} contains white space`, 'fix the plan');
  return [DRILL_STATE_DIR, ...new Set(mounts)];
}

/** The long-running `panther serve` of a host (web UI, REST API, /metrics). */
export function pantherServeUnit(plan: StoragePlan, options: ServeUnitOptions = DEFAULT_SERVE_OPTIONS): PantherUnit {
  const checked = serveOptionsChecked(options);
  const fleetToken = checked.fleetTokenFile ?? null;
  return {
    name: SERVE_SERVICE,
    comment: [
      'The HTTP surface of the host (the serve command): REST API, web UI, dashboard and /metrics, on',
      'loopback behind Caddy (`panther render caddy`). Runs as root, not DynamicUser: it reads the',
      'root-only snapshot directories and takes the host lock to create, pin and delete snapshots.',
      'So the sandbox is tight instead: ProtectSystem=strict with write access only to the state',
      'directory, the snapshot directories and the snapshotted subvolumes (restoring a file to its',
      'place; / is left out, restore files of / to a chosen directory below a writable one), and the',
      'bounding set those operations need. The tokens arrive as credentials (%d), never on the command',
      'line; create both files (a long random string each, mode 0600) before starting it.',
    ],
    description: `Panther: web UI and REST API of ${plan.host} on ${checked.listen}`,
    wants: ['network-online.target'],
    after: ['network-online.target', 'local-fs.target'],
    settings: [
      ['Type', 'simple'],
      ['ExecStart', {
        pantherArgs: ['serve', '--listen', checked.listen, '--state-dir', DRILL_STATE_DIR,
          ...(checked.allowRemote ? ['--allow-remote'] : []), ...(checked.fleetFile === null ? [] : ['--fleet', checked.fleetFile]),
          ...(checked.trustProxy === true ? ['--trust-proxy'] : [])],
        credentialArgs: [['--read-token-file', 'read-token'], ['--admin-token-file', 'admin-token'],
          ...(fleetToken === null ? [] : [['--fleet-token-file', 'fleet-token'] as const])],
      }],
      ['LoadCredential', `read-token:${noSpecifiers(checked.readTokenFile)}`],
      ['LoadCredential', `admin-token:${noSpecifiers(checked.adminTokenFile)}`],
      ...(fleetToken === null ? [] : [['LoadCredential', `fleet-token:${noSpecifiers(fleetToken)}`] as [string, string]]),
      ['Restart', 'on-failure'],
      ['RestartSec', '5s'],
      ['StateDirectory', 'panther'],
      ['ProtectSystem', 'strict'],
      ['ReadWritePaths', serveWritablePaths(plan).map((p) => `-${noSpecifiers(p)}`).join(' ')],
      ['CapabilityBoundingSet', SERVE_CAPABILITIES.join(' ')],
      ['RestrictNamespaces', true],
      ['ProtectKernelTunables', true],
    ],
    wantedBy: ['multi-user.target'],
  };
}

/** The units for a plan, services before their timers; the serve unit last. */
export function pantherUnits(plan: StoragePlan, drill: DrillUnitOptions = DEFAULT_DRILL_OPTIONS, serve: ServeUnitOptions = DEFAULT_SERVE_OPTIONS): PantherUnit[] {
  const scheduled = SNAPSHOT_TIERS.flatMap((tier) => {
    const calendar = plan.snapshots.schedule[tier];
    return calendar === null ? [] : [{ tier, calendar }];
  });
  const slots = (['weekdays', 'weekends'] as const).map((w) => backupSlot(plan.backup, w));
  return [
    snapshotService(plan),
    ...scheduled.map(({ tier, calendar }) => snapshotTimer(plan, tier, calendar)),
    ...slots.flatMap((slot) => backupUnits(plan, slot)),
    ...pantherDrillUnits(plan, drill),
    pantherServeUnit(plan, serve),
  ];
}

// ---- plain unit files ------------------------------------------------------------------------------

export const unitComment = (lines: readonly string[]): string[] =>
  lines.flatMap((l) => l.split(/\r\n|\r|\n/)).map((l) => (l === '' ? '#' : `# ${l}`));

const plainValue = (value: UnitValue, panther: string): string => {
  if (isPantherCommand(value)) return execLine(panther, value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
};

/** Description= of a unit: one line, specifiers escaped. */
export const unitDescription = (unit: PantherUnit): string => noSpecifiers(oneLine(unit.name, unit.description));

function unitFile(plan: StoragePlan, unit: PantherUnit, panther: string): string {
  const section = unit.name.endsWith('.timer') ? 'Timer' : 'Service';
  const lines = [
    ...unitComment([...generatedHeader(plan, 'systemd'), ...(unit.comment.length === 0 ? [] : ['', ...unit.comment])]),
    '[Unit]',
    `Description=${unitDescription(unit)}`,
    ...(unit.wants.length === 0 ? [] : [`Wants=${unit.wants.join(' ')}`]),
    ...(unit.after.length === 0 ? [] : [`After=${unit.after.join(' ')}`]),
    '',
    `[${section}]`,
    ...unit.settings.map(([key, value]) => `${key}=${oneLine(`${unit.name} ${key}`, plainValue(value, panther))}`),
    ...(unit.wantedBy.length === 0 ? [] : ['', '[Install]', `WantedBy=${unit.wantedBy.join(' ')}`]),
  ];
  return `${lines.join('\n')}\n`;
}

/** One unit file per entry: what `systemd-analyze verify` and the tests read. */
export function renderSystemdUnits(plan: StoragePlan, options: SystemdOptions = {}): Array<{ name: string; text: string }> {
  const panther = options.panther ?? DEFAULT_PANTHER_BIN;
  return pantherUnits(plan, options.drill, options.serve).map((unit) => ({ name: unit.name, text: unitFile(plan, unit, panther) }));
}

export const bundleSeparator = (name: string): string => `# --- ${name} ---`;

/** All unit files in one text, each after a `# --- <name> ---` line (split it there to install them). */
export function renderSystemd(plan: StoragePlan, options: SystemdOptions = {}): string {
  return renderSystemdUnits(plan, options).map((u) => `${bundleSeparator(u.name)}\n${u.text}`).join('\n');
}
