// Reading, listing, writing and deleting manifests. A manifest is immutable and named by its hash,
// so its id is also the backup point's id; callers may cache manifests forever by id.
import { PantherError } from '../../core/errors.ts';
import type { ObjectStore } from '../store.ts';
import { isObjectId } from '../names.ts';
import { mapLimit } from '../store.ts';
import type { Manifest, ManifestHead } from './manifest.ts';
import { openManifest, sealManifest } from './manifest.ts';
import { DamagedObject, corrupt } from '../errors.ts';

export interface ManifestEntry {
  id: string;
  name: string;
  size: number;
  head?: ManifestHead;
  /** Why the manifest could not be read (then head is absent). */
  damaged?: string;
}

export class ManifestCatalog {
  readonly #store: ObjectStore;
  readonly #objectRoot: Uint8Array;

  constructor(store: ObjectStore, objectRoot: Uint8Array) {
    this.#store = store;
    this.#objectRoot = objectRoot;
  }

  /** Every manifest with its head; damaged ones are listed with the reason instead. */
  async list(): Promise<ManifestEntry[]> {
    const listed = await this.#store.list('manifests');
    return mapLimit(listed, 4, async (item): Promise<ManifestEntry> => {
      try {
        return { ...item, head: (await this.read(item.id)).head };
      } catch (error) {
        return { ...item, damaged: (error as PantherError).details?.['reason'] as string ?? (error as Error).message };
      }
    });
  }

  /** Reads and verifies one manifest; throws `corrupt` naming it, or `no-manifest`. */
  async read(id: string): Promise<Manifest> {
    const name = this.#store.name('manifests', isObjectId(id) ? id : 'x');
    if (!isObjectId(id)) throw missing(id);
    let bytes: Buffer;
    try {
      bytes = await this.#store.read('manifests', id);
    } catch (error) {
      if (error instanceof DamagedObject) throw corrupt(name, error.message, [id]);
      if ((error as { code?: string }).code === 'object-not-found') throw missing(id);
      throw error;
    }
    try {
      return openManifest(this.#objectRoot, bytes);
    } catch (error) {
      throw corrupt(name, `cannot be opened: ${(error as Error).message}`, [id]);
    }
  }

  async write(manifest: Manifest, level: number): Promise<string> {
    return this.#store.write('manifests', sealManifest(this.#objectRoot, manifest, level));
  }

  async delete(id: string): Promise<void> {
    if (!isObjectId(id)) throw missing(id);
    await this.#store.delete('manifests', id);
  }
}

function missing(id: string): PantherError {
  return new PantherError('no-manifest', `no backup point ${id}`, {
    subject: id, hint: 'list the backup points and use a full 64-hex id',
  });
}
