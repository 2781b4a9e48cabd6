// Writes a whole index as new segments of at most `perSegment` entries (prune and repair-index).
import type { Repository } from '../repository.ts';
import type { IndexedPack } from './index-segment.ts';
import { sealSegment } from './index-segment.ts';

export const SEGMENT_ENTRIES = 100_000;

export async function writeSegments(repo: Repository, records: readonly IndexedPack[], perSegment = SEGMENT_ENTRIES): Promise<{ ids: string[]; bytes: number }> {
  const ids: string[] = [];
  let bytes = 0;
  let batch: IndexedPack[] = [];
  let entries = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const sealed = sealSegment(repo.secrets.objectRoot, batch, repo.params.compressionLevel);
    ids.push(await repo.store.write('index', sealed));
    bytes += sealed.length;
    batch = [];
    entries = 0;
  };
  for (const record of records) {
    if (entries > 0 && entries + record.entries.length > perSegment) await flush();
    batch.push(record);
    entries += record.entries.length;
  }
  await flush();
  return { ids, bytes };
}
