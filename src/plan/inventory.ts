// The inventory pins hosts: host name → profile and what the hardware must look like. The hardware
// report is then evidence that has to agree (NOTES 7), never the thing that decides.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import type { Transport } from '../facter/types.ts';
import type { BackupFrequency, CompressionAlgorithm, BackupPolicy } from './types.ts';

export interface ExpectedDisk {
  /** Pool the disk carries; defaults to the profile's pool at the same position. */
  pool?: string;
  /** Kernel node or stable name (/dev/nvme0n1, /dev/disk/by-id/…). */
  device?: string;
  /** Decimal GB as sold; checked within ±2 %. */
  sizeGB?: number;
  transport?: Transport;
}

export interface SubvolumeOverride {
  mountPoint?: string | null;
  cow?: boolean;
  compression?: CompressionAlgorithm;
  mountOptions?: string[];
  snapshot?: boolean;
  backup?: BackupFrequency;
  critical?: boolean;
}

export interface HostOverrides {
  subvolumes?: Record<string, SubvolumeOverride>;
  /** Lint rule id, or "id:subject", → why the user accepts it. */
  acknowledge?: Record<string, string>;
  swapSize?: string;
  backup?: Partial<BackupPolicy>;
  filesystemOptions?: string[];
}

export interface InventoryEntry {
  profile: string;
  user?: string;
  timezone?: string;
  /** Optional subvolume groups to plan, e.g. "databases" on a laptop. */
  features?: string[];
  disks?: ExpectedDisk[];
  overrides?: HostOverrides;
}

export interface Inventory {
  hosts: Record<string, InventoryEntry>;
}

export async function readInventory(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PantherError('inventory-unreadable', `${path}: cannot read the inventory`, {
      subject: path, cause, hint: 'pass --inventory with the path of your inventory JSON file',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PantherError('inventory-not-json', `${path}: not JSON (${(cause as Error).message})`, {
      subject: path, cause, hint: 'fix the syntax; the inventory is a JSON object { "hosts": { "<name>": { "profile": … } } }',
    });
  }
  return parseInventory(json, path);
}

export function parseInventory(json: unknown, source: string): Inventory {
  const problems: string[] = [];
  if (!isObject(json) || !isObject(json['hosts'])) {
    throw new PantherError('inventory-invalid', `${source}: no "hosts" object`, {
      subject: source, hint: 'the inventory is { "hosts": { "<name>": { "profile": "<profile id>", … } } }',
    });
  }
  for (const [name, entry] of Object.entries(json['hosts'])) {
    const at = `${source}: hosts.${name}`;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) problems.push(`${at}: host names are lower-case letters, digits and dashes`);
    if (!isObject(entry)) { problems.push(`${at}: must be an object`); continue; }
    if (typeof entry['profile'] !== 'string') problems.push(`${at}.profile: missing; name one of the profiles (panther profiles)`);
    if (entry['user'] !== undefined && (typeof entry['user'] !== 'string' || !/^[a-z_][a-z0-9_-]{0,31}$/.test(entry['user']))) {
      problems.push(`${at}.user: must be a Unix user name`);
    }
    if (entry['disks'] !== undefined) {
      if (!Array.isArray(entry['disks'])) problems.push(`${at}.disks: must be a list`);
      else entry['disks'].forEach((d, i) => {
        if (!isObject(d)) problems.push(`${at}.disks[${i}]: must be an object`);
        else if (d['sizeGB'] !== undefined && typeof d['sizeGB'] !== 'number') problems.push(`${at}.disks[${i}].sizeGB: must be a number`);
      });
    }
    if (entry['features'] !== undefined && !(Array.isArray(entry['features']) && entry['features'].every((f) => typeof f === 'string'))) {
      problems.push(`${at}.features: must be a list of names`);
    }
    if (entry['overrides'] !== undefined && !isObject(entry['overrides'])) problems.push(`${at}.overrides: must be an object`);
  }
  if (problems.length > 0) {
    throw new PantherError('inventory-invalid', `${source}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, {
      subject: source, hint: 'fix the entries listed above', details: { problems },
    });
  }
  return json as unknown as Inventory;
}

export function inventoryEntry(inventory: Inventory, host: string, source: string): InventoryEntry {
  const entry = inventory.hosts[host];
  if (entry === undefined) {
    throw new PantherError('inventory-no-host', `${source}: no host "${host}"`, {
      subject: source, hint: `hosts in the inventory: ${Object.keys(inventory.hosts).join(', ') || '(none)'}`,
    });
  }
  return entry;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
