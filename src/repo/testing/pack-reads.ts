// A memory backend that keeps every pack read it hands out: tests count them, and check that the
// code reading them freed each one (core/release.ts) once done with it.
import type { ByteRange } from '../backend/backend.ts';
import { MemoryBackend } from '../backend/memory.ts';

export class PackReadRecorder extends MemoryBackend {
  /** Every pack read (ranged or whole), in order; empty it to count from now on. */
  readonly reads: Uint8Array[] = [];

  override async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    const bytes = await super.get(name, range);
    if (name.includes('/packs/')) this.reads.push(bytes);
    return bytes;
  }
}
