// Reads a partition table back (`sfdisk --json`) so callers can check what is on a disk without
// trusting what they asked for.
import { run } from './exec.ts';
import { safeDevice } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface PartitionEntry {
  node: string;
  startSector: number;
  sizeSectors: number;
  /** GPT type GUID (upper case) or MBR type hex. */
  type: string;
  name: string | null;
  uuid: string | null;
}

export interface PartitionTable {
  /** "gpt" or "dos". */
  label: string;
  id: string;
  sectorSize: number;
  partitions: PartitionEntry[];
}

/** GPT type GUIDs for the partition types partition.ts writes. */
export const GPT_TYPE_GUIDS = {
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  bios: '21686148-6449-6E6F-744E-656564454649',
  linux: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
} as const;

interface SfdiskJson {
  partitiontable?: {
    label?: string; id?: string; sectorsize?: number;
    partitions?: Array<{ node?: string; start?: number; size?: number; type?: string; name?: string; uuid?: string }>;
  };
}

export function parseSfdiskJson(text: string): PartitionTable {
  const table = (JSON.parse(text) as SfdiskJson).partitiontable;
  if (table === undefined) throw new PantherError('unexpected-output', 'sfdisk --json printed no partitiontable');
  return {
    label: table.label ?? '',
    id: table.id ?? '',
    sectorSize: table.sectorsize ?? 512,
    partitions: (table.partitions ?? []).map((p) => ({
      node: p.node ?? '',
      startSector: p.start ?? 0,
      sizeSectors: p.size ?? 0,
      type: (p.type ?? '').toUpperCase(),
      name: p.name ?? null,
      uuid: p.uuid ?? null,
    })),
  };
}

export async function readPartitionTable(device: string): Promise<PartitionTable> {
  safeDevice(device);
  const { stdout } = await run('sfdisk', ['--json', '--', device], { subject: device });
  return parseSfdiskJson(stdout);
}
