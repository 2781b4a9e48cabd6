// zstd frames from long-lived compression streams. zlib's one-shot zstdCompress makes a new zstd
// context for every call (its tables zeroed on the main thread, ~0.9 ms per 1 MiB chunk, and a
// chunk-sized output buffer left for the collector): over a backup that is several per cent of the
// main thread, which is the busiest. A stream ended with ZSTD_e_end writes one whole frame and
// starts the next one fresh, so each blob is still one frame that decompresses alone (FORMAT.md
// §3.3); the frames carry no content size, which nothing reads (every reader knows the size).
import { constants, createZstdCompress } from 'node:zlib';
import type { ZstdCompress } from 'node:zlib';
import { releaseBacking } from '../../core/release.ts';

/** zlib's output buffer size: a frame comes out as slices of these buffers, each filled before the next is made. */
const SLICE = 256 * 1024;
/** Idle streams kept per level: as many as chunks are sealed at once (backup-writer.ts: 3), and a spare. */
const KEEP = 4;

class FrameStream {
  readonly #stream: ZstdCompress;
  #parts: Buffer[] = [];
  #failed: Error | undefined;
  /** A slice of the output buffer zlib is filling now (it may write into it again): never freed. */
  #filling: Buffer | undefined;

  constructor(level: number) {
    this.#stream = createZstdCompress({
      params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 0 },
      chunkSize: SLICE,
    });
    this.#stream.on('data', (part: Buffer) => { this.#parts.push(part); });
    this.#stream.on('error', (error: Error) => { this.#failed = error; });
  }

  get broken(): boolean {
    return this.#failed !== undefined;
  }

  /** One frame of `plain`, as slices of zlib's output buffers (shared with the frames around it). */
  frame(plain: Uint8Array): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      this.#stream.write(plain);
      // flush's callback runs once the frame's last byte has been pushed as 'data'.
      this.#stream.flush(constants.ZSTD_e_end, () => {
        const parts = this.#parts;
        this.#parts = [];
        if (this.#failed !== undefined) reject(this.#failed);
        else resolve(parts);
      });
    });
  }

  /**
   * Called once a frame's slices are dead (sealed: copied out). zlib fills one output buffer at a
   * time and, once it is full, moves to a new one and never writes into the old one again; so every
   * buffer behind these slices but the one being filled (the last slice's) is done with, by zlib and
   * by us, and is freed now instead of waiting for V8 (otherwise a backup's compressed size in
   * garbage; docs/DECISIONS.md, issue 16 round 4).
   */
  retire(parts: readonly Buffer[]): void {
    if (this.broken) return;
    const last = parts.at(-1) ?? this.#filling;
    for (const part of [this.#filling, ...parts]) {
      if (part !== undefined && last !== undefined && part.buffer !== last.buffer) releaseBacking(part);
    }
    this.#filling = last;
  }

  close(): void {
    this.#stream.destroy();
  }
}

const idle = new Map<number, FrameStream[]>();

/**
 * Compresses `plain` into one zstd frame and hands its slices to `use`, which copies what it keeps:
 * the slices share zlib's buffers with other frames, so they are never the caller's to free or hold,
 * and once `use` returns, the buffers zlib has left are freed (a slice kept past it reads empty).
 * Runs on the libuv thread pool.
 */
export async function withZstdFrame<T>(plain: Uint8Array, level: number, use: (parts: readonly Buffer[], length: number) => T): Promise<T> {
  const pool = idle.get(level) ?? [];
  idle.set(level, pool);
  const stream = pool.pop() ?? new FrameStream(level);
  let parts: Buffer[];
  try {
    parts = await stream.frame(plain);
  } catch (error) {
    stream.close();
    throw error;
  }
  let result: T;
  try {
    result = use(parts, parts.reduce((n, p) => n + p.length, 0));
    stream.retire(parts);
  } finally {
    if (stream.broken || pool.length >= KEEP) stream.close();
    else pool.push(stream);
  }
  return result;
}
