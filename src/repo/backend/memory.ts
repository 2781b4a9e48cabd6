// A real Backend held in a Map: fast repository unit tests, same rules as the local backend.
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { BufferedStage } from './backend.ts';
import { assertObjectName, assertPrefix, assertRange, badRange, collect, notFound } from './backend.ts';

export const MEMORY_PROPERTIES: BackendProperties = Object.freeze({ kind: 'memory', listAfterWriteConsistent: true, sweepsTemporaries: false, remote: false });

export class MemoryBackend implements Backend {
  readonly properties = MEMORY_PROPERTIES;
  readonly #objects = new Map<string, Buffer>();

  stage(): StagedPut {
    return new BufferedStage((name, data) => this.put(name, data));
  }

  async put(name: string, data: PutData): Promise<void> {
    assertObjectName(name);
    // Copy: the caller may reuse its buffer, and a stored object must never change under us.
    const bytes = Buffer.from(await collect(data));
    this.#objects.set(name, bytes);
  }

  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    assertObjectName(name);
    const bytes = this.#objects.get(name);
    if (bytes === undefined) throw notFound(name);
    if (range === undefined) return Buffer.from(bytes);
    assertRange(range);
    if (range.offset > bytes.length) throw badRange(name, range, bytes.length);
    return Buffer.from(bytes.subarray(range.offset, range.offset + range.length));
  }

  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    yield await this.get(name, range);
  }

  async head(name: string): Promise<number | null> {
    assertObjectName(name);
    return this.#objects.get(name)?.length ?? null;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertPrefix(prefix);
    const names = [...this.#objects.keys()].filter((n) => n.startsWith(prefix)).sort(compareNames);
    for (const name of names) {
      const bytes = this.#objects.get(name);
      if (bytes !== undefined) yield { name, size: bytes.length };
    }
  }

  async delete(name: string): Promise<void> {
    assertObjectName(name);
    this.#objects.delete(name);
  }

  /** A put is a Map entry or nothing: there are no temporaries. */
  async sweepTemporaries(): Promise<number> {
    return 0;
  }

  /** Test hook: the stored bytes themselves (mutating them simulates bit rot). */
  raw(name: string): Buffer | undefined {
    return this.#objects.get(name);
  }
}

/** Byte order of UTF-8 names, as S3 lists them. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
