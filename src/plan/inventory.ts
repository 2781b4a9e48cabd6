// The inventory pins hosts: host name → profile and what the hardware must look like. The hardware
// report is then evidence that has to agree (NOTES 7), never the thing that decides.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { parseWithSchema } from '../core/schema.ts';
import type { Transport } from '../facter/types.ts';
import { inventory as inventorySchema } from './input-schema.ts';
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
  /** Replaces the profile's keys; a window replaces only the days it names. */
  backup?: Partial<Omit<BackupPolicy, 'window'>> & { window?: Partial<BackupPolicy['window']> };
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
  $comment?: string;
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
  return parseWithSchema(inventorySchema, json, source, {
    code: 'inventory-invalid', what: 'an inventory',
    hint: 'fix the value(s) listed; the inventory is { "hosts": { "<name>": { "profile": "<profile id>", … } } }',
  });
}

export function inventoryEntry(inventory: Inventory, host: string, source: string): InventoryEntry {
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
  const entry = Object.hasOwn(inventory.hosts, host) ? inventory.hosts[host] : undefined;
  if (entry === undefined) {
    throw new PantherError('inventory-no-host', `${source}: no host ${JSON.stringify(host)}`, {
      subject: source,
      hint: `hosts in the inventory: ${Object.keys(inventory.hosts).join(', ') || '(none)'}`,
    });
  }
  return entry;
}
