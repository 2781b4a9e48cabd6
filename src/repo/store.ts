// Content-addressed objects under a host prefix: every key file, pack, index segment and manifest is
// named by the SHA-256 of its stored bytes, so any changed byte is detected without a key (a check
// can run where only a read-only application key is) and a re-upload of the same bytes is harmless.
import { createHash } from 'node:crypto';
import type { Backend } from './backend/backend.ts';
import type { ObjectKind } from './names.ts';
import { OBJECT_KINDS, idFromName, kindPrefix, objectName } from './names.ts';
import { DamagedObject } from './errors.ts';

export interface Listed {
  id: string;
  name: string;
  size: number;
}

export class ObjectStore {
  readonly backend: Backend;
  readonly host: string;

  constructor(backend: Backend, host: string) {
    this.backend = backend;
    this.host = host;
  }

  name(kind: ObjectKind, id: string): string {
    return objectName(this.host, kind, id);
  }

  /** Whether `name` is a well-formed object name of this host (any kind). */
  isObjectName(name: string): boolean {
    return OBJECT_KINDS.some((kind) => idFromName(this.host, kind, name) !== undefined);
  }

  /** Reads an object and proves its bytes hash to its name. */
  async read(kind: ObjectKind, id: string): Promise<Buffer> {
    const name = this.name(kind, id);
    const bytes = Buffer.from(await this.backend.get(name));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== id) throw new DamagedObject(name, `content hash ${actual.slice(0, 12)}… does not match its name`);
    return bytes;
  }

  /** Stores bytes under their hash; returns the id. */
  async write(kind: ObjectKind, bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    await this.backend.put(this.name(kind, id), bytes);
    return id;
  }

  /** Stores an object whose id the caller computed while building it (packs). */
  async writeParts(kind: ObjectKind, id: string, parts: readonly Uint8Array[]): Promise<void> {
    await this.backend.put(this.name(kind, id), (async function* () { yield* parts; })());
  }

  /** Objects of a kind. Names that are not `<prefix><64 hex>` go to `foreign` (check reports them). */
  async list(kind: ObjectKind, foreign?: string[]): Promise<Listed[]> {
    const out: Listed[] = [];
    for await (const info of this.backend.list(kindPrefix(this.host, kind))) {
      const id = idFromName(this.host, kind, info.name);
      if (id === undefined) foreign?.push(info.name);
      else out.push({ id, name: info.name, size: info.size });
    }
    return out;
  }

  async delete(kind: ObjectKind, id: string): Promise<void> {
    await this.backend.delete(this.name(kind, id));
  }
}

/** Runs `work` over items with at most `limit` in flight, keeping results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
