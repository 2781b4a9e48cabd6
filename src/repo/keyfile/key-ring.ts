// repo.keys: more passphrases or age recipients wrapping the same master key, listed and removed.
// Removing a key file does not re-key the repository: whoever copied the master key keeps access
// (docs/FORMAT.md §7); on B2 a deleted file stays as a hidden version until lifecycle removes it.
import type { ObjectStore } from '../store.ts';
import type { KeyFileContent, KeyKind, Wrapping } from './key-file.ts';
import { keyKind, wrapKey } from './key-file.ts';
import { sha256Hex } from '../pack/pack.ts';
import { refused } from '../errors.ts';

export interface KeyInfo {
  id: string;
  name: string;
  kind: KeyKind;
  size: number;
  /** The key file this repository handle was opened with. */
  current: boolean;
  /** Its bytes still hash to its name. */
  intact: boolean;
}

export class KeyRing {
  readonly #store: ObjectStore;
  readonly #content: KeyFileContent;
  readonly #now: () => Date;
  readonly currentId: string;

  constructor(store: ObjectStore, content: KeyFileContent, currentId: string, now: () => Date) {
    this.#store = store;
    this.#content = content;
    this.currentId = currentId;
    this.#now = now;
  }

  /** Wraps the master key for one more passphrase or recipient; returns the new key file's id. */
  async add(wrapping: Wrapping): Promise<string> {
    const file = await wrapKey({ ...this.#content, created: this.#now().toISOString() }, wrapping);
    return this.#store.write('keys', file);
  }

  async list(): Promise<KeyInfo[]> {
    const listed = await this.#store.list('keys');
    const out: KeyInfo[] = [];
    for (const item of listed) {
      const bytes = Buffer.from(await this.#store.backend.get(item.name));
      out.push({ id: item.id, name: item.name, kind: keyKind(bytes), size: item.size, current: item.id === this.currentId, intact: sha256Hex(bytes) === item.id });
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    const keys = await this.#store.list('keys');
    if (!keys.some((k) => k.id === id)) {
      throw refused('no-such-key', `no key file ${this.#store.name('keys', id)}`, 'list the key files and pass one of their ids');
    }
    if (keys.length <= 1) {
      throw refused('last-key', `refusing to remove the last key file of ${this.#store.host}`, 'add another passphrase or recipient first; without a key file the backups are lost');
    }
    if (id === this.currentId) {
      throw refused('current-key', 'refusing to remove the key file this session was opened with', 'open the repository with another key, then remove this one');
    }
    await this.#store.delete('keys', id);
  }
}
