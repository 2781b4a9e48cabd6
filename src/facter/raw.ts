// Reading loosely typed facter JSON without trusting its shape: every accessor tolerates a missing
// or oddly typed key, because the field set changed in nearly every nixos-facter release (docs/knowledge/facter.md §9).
import type { ReportFormat } from './types.ts';

export type RawObject = Record<string, unknown>;

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** IDs are `{hex?, name?, value}` objects, or plain strings for hwinfo's "special" IDs (docs/knowledge/facter.md §5). */
export function idName(id: unknown): string | null {
  if (typeof id === 'string') return str(id);
  return isObject(id) ? str(id.name) : null;
}

export function idValue(id: unknown): number | null {
  if (isObject(id) && typeof id.value === 'number') return id.value;
  return null;
}

/** Every device entry of every hardware class array. */
export function allEntries(hardware: RawObject): RawObject[] {
  const out: RawObject[] = [];
  for (const list of Object.values(hardware)) {
    if (Array.isArray(list)) for (const entry of list) if (isObject(entry)) out.push(entry);
  }
  return out;
}

function hasHexId(entry: RawObject): boolean {
  return Object.values(entry).some((v) => isObject(v) && 'hex' in v);
}

/**
 * Which release era wrote the report, judged by key presence since `version` stayed 1 (docs/knowledge/facter.md §9).
 * Informational only: parsing never branches on it.
 */
export function detectFormat(root: RawObject, hardware: RawObject): ReportFormat {
  if (root.version === 2) return 'version-2';
  const entries = allEntries(hardware);
  if (!entries.some((e) => hasHexId(e) || Array.isArray(e.class_list))) return 'v0.1';
  const named = entries.some((e) => Array.isArray(e.unix_device_names));
  const legacyName = entries.some((e) => 'unix_device_name' in e);
  if (root.uefi !== undefined || (named && !legacyName)) return 'v0.4.1+';
  const smbios = isObject(root.smbios) ? root.smbios : {};
  const hexGeo = entries.some((e) =>
    Array.isArray(e.resources) &&
    e.resources.some((r) => isObject(r) && r.type === 'disk_geo' && typeof r.size === 'string'));
  if (Array.isArray(smbios.chassis) || hexGeo) return 'v0.3.3+';
  return 'v0.2+';
}
