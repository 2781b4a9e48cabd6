// Where panther's time goes: a V8 CPU profile (`node --cpu-prof`, a .cpuprofile JSON) summarised
// as the functions and the files with the most self time. Pure: the profile in, tables out.

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas?: number[];
}

export interface SelfTimeRow {
  /** Function name ("(anonymous)" when it has none; V8's own entries such as "(garbage collector)"). */
  name: string;
  /** File and 1-based line, relative to `root` when below it; "" for V8's own entries. */
  location: string;
  selfMs: number;
  /** Share of the profile's whole duration, in percent. */
  selfPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: SelfTimeRow[];
  /** Self time per file (name = the file; location unused). */
  files: SelfTimeRow[];
}

/** A profile's url as a short path: relative to `root`, node_modules from the package on. */
export function shortUrl(url: string, root: string): string {
  if (url === '') return '';
  let path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + 1);
  const prefix = root.endsWith('/') ? root : `${root}/`;
  if (path.startsWith(prefix)) path = path.slice(prefix.length);
  return path;
}

/** Self time of every node in microseconds: each sample lasts until the next one (the last: until endTime). */
function selfMicros(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    let at = p.startTime;
    const stamps = deltas.map((d) => (at += d));
    for (let i = 0; i < samples.length; i++) {
      const next = i + 1 < stamps.length ? stamps[i + 1]! : p.endTime;
      const span = Math.max(0, next - stamps[i]!);
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + span);
    }
    return self;
  }
  // No sample list: spread the duration over the hit counts.
  const hits = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const each = hits === 0 ? 0 : (p.endTime - p.startTime) / hits;
  for (const n of p.nodes) if ((n.hitCount ?? 0) > 0) self.set(n.id, n.hitCount! * each);
  return self;
}

export function summariseProfile(p: CpuProfile, root: string, top = 15): ProfileSummary {
  const totalUs = Math.max(0, p.endTime - p.startTime);
  const self = selfMicros(p);
  const byFunction = new Map<string, { name: string; location: string; us: number }>();
  const byFile = new Map<string, number>();
  for (const node of p.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const f = node.callFrame;
    const file = shortUrl(f.url, root);
    const location = file === '' ? '' : `${file}:${f.lineNumber + 1}`;
    const name = f.functionName === '' ? '(anonymous)' : f.functionName;
    const key = `${name}\u0000${location}`;
    const row = byFunction.get(key) ?? { name, location, us: 0 };
    row.us += us;
    byFunction.set(key, row);
    const fileKey = file === '' ? name : file;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const pct = (us: number): number => (totalUs === 0 ? 0 : (us / totalUs) * 100);
  const rows = (list: Array<{ name: string; location: string; us: number }>): SelfTimeRow[] =>
    list.sort((a, b) => b.us - a.us || a.name.localeCompare(b.name)).slice(0, top)
      .map((r) => ({ name: r.name, location: r.location, selfMs: r.us / 1000, selfPct: pct(r.us) }));
  return {
    totalMs: totalUs / 1000,
    functions: rows([...byFunction.values()]),
    files: rows([...byFile.entries()].map(([name, us]) => ({ name, location: '', us }))),
  };
}
