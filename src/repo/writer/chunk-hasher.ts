// The per-byte work of a backup, as one synchronous object: FastCDC cuts, the HMAC chunk id of each
// chunk and the SHA-256 of the whole stream. chunk-thread.ts runs it on this thread (the default) or
// on a worker thread; either way the results are the same bytes in the same order. The ids are
// blob.ts's chunkId, computed with one KeyObject for the whole stream instead of the raw key per chunk.
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { StreamChunker } from '../chunker/fastcdc.ts';
import type { ChunkerParams } from '../params.ts';

export const ID_BYTES = 32;

export interface HasherInit {
  params: ChunkerParams;
  gear: Int32Array;
  chunkIdKey: Uint8Array;
}

/** Chunks cut from one piece of input: each owns its ArrayBuffer (transferable); ids are 32 bytes each, in order. */
export interface CutChunks {
  chunks: Buffer[];
  ids: Buffer | null;
}

export class ChunkHasher {
  readonly #chunker: StreamChunker;
  readonly #whole = createHash('sha256');
  readonly #key: KeyObject;
  #out: Buffer[] = [];
  readonly #keep = (view: Uint8Array): void => {
    // Not pooled: every chunk owns its memory, so it can be transferred to another thread.
    const chunk = Buffer.allocUnsafeSlow(view.length);
    chunk.set(view);
    this.#out.push(chunk);
  };

  constructor(init: HasherInit) {
    this.#chunker = new StreamChunker(init.params, init.gear);
    this.#key = createSecretKey(init.chunkIdKey);
  }

  push(input: Uint8Array): CutChunks {
    this.#whole.update(input);
    this.#chunker.push(input, this.#keep);
    return this.#take();
  }

  /** The last chunks; then sha256() is the digest of everything pushed. */
  end(): CutChunks {
    this.#chunker.end(this.#keep);
    return this.#take();
  }

  sha256(): string {
    return this.#whole.digest('hex');
  }

  #take(): CutChunks {
    const chunks = this.#out;
    this.#out = [];
    if (chunks.length === 0) return { chunks, ids: null };
    const ids = Buffer.allocUnsafeSlow(ID_BYTES * chunks.length);
    chunks.forEach((chunk, i) => { createHmac('sha256', this.#key).update(chunk).digest().copy(ids, i * ID_BYTES); });
    return { chunks, ids };
  }
}
