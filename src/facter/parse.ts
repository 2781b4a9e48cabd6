// nixos-facter JSON → HostReport: the disks one could install on, everything else with a reason,
// and the facts that say what kind of machine this is. Accepts every report era from the
// version-2 pre-release on (docs/knowledge/facter.md §9); rejects the flat-array spike format.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { checkSchema, schemaError } from '../core/schema.ts';
import { facterReport } from './schema.ts';
import type { Disk, HostReport, IgnoredDevice } from './types.ts';
import { detectFormat, isObject, type RawObject } from './raw.ts';
import { machineEvidence } from './machine.ts';
import { readDiskEntry, type DiskContext } from './disks.ts';
import { jsonErrorPosition } from './json-position.ts';

function classByIndex(hardware: RawObject): Map<number, string> {
  const map = new Map<number, string>();
  for (const [key, list] of Object.entries(hardware)) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (isObject(entry) && typeof entry.index === 'number') map.set(entry.index, key);
    }
  }
  return map;
}

export function parseFacterReport(json: unknown, source: string): HostReport {
  const hint = 'run nixos-facter > facter.json';
  if (!isObject(json)) {
    throw new PantherError('facter-no-hardware',
      `${source}: not a JSON object; is this a nixos-facter report? ${hint}`, { subject: source, hint });
  }
  if (Array.isArray(json.hardware)) {
    throw new PantherError('facter-spike-format',
      `${source}: "hardware" is a flat array: this is a pre-release (spike) nixos-facter report, not supported`,
      { subject: `${source}: hardware`, hint: 'run a current nixos-facter again: nixos-facter > facter.json' });
  }
  if (!isObject(json.hardware)) {
    throw new PantherError('facter-no-hardware',
      `${source}: no "hardware" object; is this a nixos-facter report? ${hint}`, { subject: `${source}: hardware`, hint });
  }
  const checked = checkSchema(facterReport, json);
  if (!checked.ok) {
    throw schemaError(source, checked.problems, {
      code: 'facter-bad-field', what: 'a nixos-facter report',
      hint: 'the file must be the unmodified output of nixos-facter (nixos-facter > facter.json)',
    });
  }
  // The raw object is read on (not zod's copy): lenient readers in raw.ts take every era's fields.
  const hardware = json.hardware;
  const rawDisks = Array.isArray(hardware.disk) ? hardware.disk : [];
  const machine = machineEvidence(json);
  const ctx: DiskContext = { source, virtualisation: machine.virtualisation, classByIndex: classByIndex(hardware) };
  const disks: Disk[] = [];
  const ignored: IgnoredDevice[] = [];
  rawDisks.forEach((entry, i) => {
    const outcome = readDiskEntry(entry, i, ctx);
    if ('disk' in outcome) disks.push(outcome.disk);
    else ignored.push(outcome.ignored);
  });
  // hardware.disk is ordered by hwinfo index, not by name (docs/knowledge/facter.md §2); sort for stable output.
  disks.sort((a, b) => a.device.localeCompare(b.device, 'en', { numeric: true }));
  return { source, format: detectFormat(json, hardware), machine, disks, ignored };
}

export async function readFacterReport(path: string): Promise<HostReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new PantherError('facter-unreadable', `${path}: cannot read the report (${code})`,
      { subject: path, cause, hint: 'run nixos-facter > facter.json on the host and pass that file' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    // V8 sometimes appends its own position; ours is always there, so drop the duplicate.
    const detail = (cause instanceof Error ? cause.message : String(cause))
      .replace(/ (in JSON )?at position \d+( \(line \d+ column \d+\))?/, '');
    const at = jsonErrorPosition(text.replace(/^\uFEFF/, ''));
    const where = at === null ? '' : ` at line ${at.line}, column ${at.column} (position ${at.position})`;
    throw new PantherError('facter-not-json', `${path}: not JSON${where}: ${detail}`, {
      subject: path, cause,
      hint: 'the file must be the unmodified output of nixos-facter (nixos-facter > facter.json)',
      ...(at === null ? {} : { details: { ...at } }),
    });
  }
  return parseFacterReport(json, path);
}
