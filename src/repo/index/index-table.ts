// The in-memory index: chunk id → (pack number, offset, length) in an open-addressing hash table
// over typed arrays. A slot is 28 bytes (16-byte id prefix + three u32), the table grows by 1.5×
// at 80 % load, so it costs 35–53 bytes per chunk (index-table.test.ts measures it): about 50 MB
// for 1 TB of 1 MiB chunks. A JS Map keyed by strings costs 100+ bytes per entry.
//
// Keys are the first 16 bytes of the chunk id. Ids are keyed HMACs, so nobody without the key can
// aim for a collision, and 2^-128 per pair is far below any other failure; restore still checks
// every blob against the full 32-byte id from the manifest.

export const KEY_BYTES = 16;
const LOAD = 0.8;
const EMPTY = 0;

export interface Location {
  pack: number;
  offset: number;
  length: number;
}

export class IndexTable {
  #capacity: number;
  #keys: Uint32Array;
  /** pack + 1 (0 = empty slot), offset, length. */
  #values: Uint32Array;
  #count = 0;

  constructor(initialCapacity = 1024) {
    this.#capacity = Math.max(16, initialCapacity);
    this.#keys = new Uint32Array(this.#capacity * 4);
    this.#values = new Uint32Array(this.#capacity * 3);
  }

  get size(): number { return this.#count; }
  get capacity(): number { return this.#capacity; }
  get bytes(): number { return this.#keys.byteLength + this.#values.byteLength; }

  #home(k0: number): number {
    return Math.floor((k0 >>> 0) * this.#capacity / 4294967296);
  }

  /** The slot holding `id`, or -1. */
  find(id: Uint8Array): number {
    const view = new DataView(id.buffer, id.byteOffset, KEY_BYTES);
    const k0 = view.getUint32(0, true), k1 = view.getUint32(4, true), k2 = view.getUint32(8, true), k3 = view.getUint32(12, true);
    return this.#probe(k0, k1, k2, k3).found;
  }

  #probe(k0: number, k1: number, k2: number, k3: number): { found: number; free: number } {
    const keys = this.#keys;
    const values = this.#values;
    let slot = this.#home(k0);
    while (true) {
      if (values[slot * 3] === EMPTY) return { found: -1, free: slot };
      const at = slot * 4;
      if (keys[at] === k0 && keys[at + 1] === k1 && keys[at + 2] === k2 && keys[at + 3] === k3) return { found: slot, free: -1 };
      slot = slot + 1 === this.#capacity ? 0 : slot + 1;
    }
  }

  get(id: Uint8Array): Location | undefined {
    const slot = this.find(id);
    return slot < 0 ? undefined : this.at(slot);
  }

  at(slot: number): Location {
    const v = this.#values;
    return { pack: v[slot * 3]! - 1, offset: v[slot * 3 + 1]!, length: v[slot * 3 + 2]! };
  }

  /** Adds `id` unless present. Returns true when added (the first location of a chunk wins). */
  add(id: Uint8Array, location: Location): boolean {
    if (this.#count + 1 > this.#capacity * LOAD) this.#grow();
    const view = new DataView(id.buffer, id.byteOffset, KEY_BYTES);
    const k0 = view.getUint32(0, true), k1 = view.getUint32(4, true), k2 = view.getUint32(8, true), k3 = view.getUint32(12, true);
    const { found, free } = this.#probe(k0, k1, k2, k3);
    if (found >= 0) return false;
    this.#put(free, k0, k1, k2, k3, location.pack + 1, location.offset, location.length);
    this.#count += 1;
    return true;
  }

  #put(slot: number, k0: number, k1: number, k2: number, k3: number, pack1: number, offset: number, length: number): void {
    const at = slot * 4;
    this.#keys[at] = k0; this.#keys[at + 1] = k1; this.#keys[at + 2] = k2; this.#keys[at + 3] = k3;
    this.#values[slot * 3] = pack1; this.#values[slot * 3 + 1] = offset; this.#values[slot * 3 + 2] = length;
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    const oldCapacity = this.#capacity;
    this.#capacity = Math.ceil(oldCapacity * 1.5);
    this.#keys = new Uint32Array(this.#capacity * 4);
    this.#values = new Uint32Array(this.#capacity * 3);
    for (let slot = 0; slot < oldCapacity; slot++) {
      if (oldValues[slot * 3] === EMPTY) continue;
      const at = slot * 4;
      const { free } = this.#probe(oldKeys[at]!, oldKeys[at + 1]!, oldKeys[at + 2]!, oldKeys[at + 3]!);
      this.#put(free, oldKeys[at]!, oldKeys[at + 1]!, oldKeys[at + 2]!, oldKeys[at + 3]!,
        oldValues[slot * 3]!, oldValues[slot * 3 + 1]!, oldValues[slot * 3 + 2]!);
    }
  }

  /** Visits every occupied slot (order is the table's, not insertion order). */
  forEach(visit: (slot: number, location: Location) => void): void {
    for (let slot = 0; slot < this.#capacity; slot++) {
      if (this.#values[slot * 3] !== EMPTY) visit(slot, this.at(slot));
    }
  }
}
