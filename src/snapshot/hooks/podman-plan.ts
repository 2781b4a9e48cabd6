// Which containers to pause around a snapshot, decided from `podman info`, `podman ps` and
// `podman inspect` output. Pure: podman.ts runs the commands, this reads their JSON.
import { posix } from 'node:path';
import { PantherError } from '../../core/errors.ts';

export interface PsContainer {
  id: string;
  name: string;
  /** "running", "paused", "exited", … */
  state: string;
}

export interface InspectedContainer {
  id: string;
  /** Host paths mounted into the container (bind mounts and volumes). */
  sources: string[];
}

export interface PauseDecision {
  id: string;
  name: string;
  pause: boolean;
  reason: string;
}

export interface PausePlanInput {
  subvolumePath: string;
  /** `podman info` store.graphRoot: where images, container layers and named volumes live. */
  graphRoot: string | null;
  ps: readonly PsContainer[];
  inspect: readonly InspectedContainer[];
  /** The hook's `containers` (names or ids): then only these, no discovery. */
  configured?: readonly string[];
}

export function planPause(input: PausePlanInput): PauseDecision[] {
  if (input.configured !== undefined) return planConfigured(input.ps, input.configured);
  const storageHere = input.graphRoot !== null && isWithin(input.graphRoot, input.subvolumePath);
  return input.ps.map((c) => {
    const sources = input.inspect.find((i) => i.id === c.id)?.sources ?? [];
    const mounted = sources.filter((s) => isWithin(s, input.subvolumePath));
    const why = storageHere ? `its storage (${input.graphRoot}) is on the subvolume`
      : mounted.length > 0 ? `mounts ${mounted.join(', ')}`
      : null;
    if (why === null) return { id: c.id, name: c.name, pause: false, reason: 'keeps no data on the subvolume' };
    return decide(c, why);
  });
}

function planConfigured(ps: readonly PsContainer[], configured: readonly string[]): PauseDecision[] {
  const decisions: PauseDecision[] = [];
  for (const wanted of configured) {
    const c = ps.find((p) => p.name === wanted || (wanted.length >= 12 && p.id.startsWith(wanted)));
    if (c === undefined) decisions.push({ id: wanted, name: wanted, pause: false, reason: 'not running: nothing writes' });
    // Named twice (by name and by id): pausing it twice would fail the second time.
    else if (!decisions.some((d) => d.id === c.id)) decisions.push(decide(c, 'configured'));
  }
  return decisions;
}

function decide(c: PsContainer, why: string): PauseDecision {
  if (c.state === 'running') return { id: c.id, name: c.name, pause: true, reason: why };
  // Someone else paused it: pausing is theirs to undo, so we neither pause nor unpause it.
  if (c.state === 'paused') return { id: c.id, name: c.name, pause: false, reason: `${why}, but already paused by someone else: left as it is` };
  return { id: c.id, name: c.name, pause: false, reason: `${c.state}: nothing writes` };
}

/** True when `path` is `root` or below it (lexically, after normalising). */
export function isWithin(path: string, root: string): boolean {
  const p = posix.resolve(path);
  const r = posix.resolve(root);
  return p === r || r === '/' || p.startsWith(`${r}/`);
}

export function parsePs(json: string): PsContainer[] {
  return array(json, 'podman ps').map((raw, i) => {
    const c = raw as { Id?: unknown; Names?: unknown; State?: unknown };
    if (typeof c.Id !== 'string') throw badJson('podman ps', `entry ${i} has no Id`);
    const names = Array.isArray(c.Names) ? c.Names.filter((n): n is string => typeof n === 'string') : [];
    return { id: c.Id, name: names[0] ?? c.Id.slice(0, 12), state: typeof c.State === 'string' ? c.State.toLowerCase() : 'unknown' };
  });
}

export function parseInspect(json: string): InspectedContainer[] {
  return array(json, 'podman inspect').map((raw, i) => {
    const c = raw as { Id?: unknown; Mounts?: unknown };
    if (typeof c.Id !== 'string') throw badJson('podman inspect', `entry ${i} has no Id`);
    const mounts = Array.isArray(c.Mounts) ? c.Mounts as Array<{ Source?: unknown }> : [];
    return { id: c.Id, sources: mounts.map((m) => m.Source).filter((s): s is string => typeof s === 'string' && s !== '') };
  });
}

export function parseGraphRoot(json: string): string | null {
  const info = parse(json, 'podman info') as { store?: { graphRoot?: unknown } } | null;
  const root = info?.store?.graphRoot;
  return typeof root === 'string' && root !== '' ? root : null;
}

function array(json: string, what: string): unknown[] {
  const value = parse(json, what);
  // podman prints "null" instead of "[]" in some versions when nothing matches.
  if (value === null) return [];
  if (!Array.isArray(value)) throw badJson(what, 'expected a JSON array');
  return value;
}

function parse(json: string, what: string): unknown {
  try {
    return JSON.parse(json.trim() === '' ? 'null' : json);
  } catch (error) {
    throw badJson(what, (error as Error).message);
  }
}

function badJson(what: string, why: string): PantherError {
  return new PantherError('podman-bad-output', `${what} --format json: unexpected output: ${why}`, { hint: 'podman ≥ 4 is needed; check `podman version`' });
}
