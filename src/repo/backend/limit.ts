// A Backend that caps throughput: the host's share of the link (spec "Backup Transfer Network": 10
// Mbit/s per host; NOTES 12). Every put body, a buffer or a stream alike, goes through in small
// slices, each released by a token bucket shared by all puts, so the link sees a steady rate rather
// than bursts of whole packs. Downloads get their own bucket when asked for (restore tests over the
// same link). Byte counts and the achieved rate are kept for the run report.
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { isReplayable, mapReplayable } from './backend.ts';
import { TokenBucket, realClock, sliceBytesFor, type BucketClock } from './limit-bucket.ts';

export interface LimitOptions {
  /** Upload cap in bits per second; null = not capped (counted only). */
  uploadBitsPerSecond: number | null;
  /** Download cap in bits per second; null or absent = not capped. */
  downloadBitsPerSecond?: number | null;
  clock?: BucketClock;
}

export interface TransferStats {
  bytes: number;
  objects: number;
  /** From the first byte requested to the last byte handed on, ms; 0 before any transfer. */
  elapsedMs: number;
  /** bytes × 8 / elapsed; null before any transfer. Includes idle gaps between transfers. */
  bitsPerSecond: number | null;
  capBitsPerSecond: number | null;
}

class Meter {
  bytes = 0;
  objects = 0;
  #first: number | null = null;
  #last = 0;
  readonly cap: number | null;
  readonly bucket: TokenBucket | null;
  readonly #clock: BucketClock;

  constructor(bitsPerSecond: number | null, clock: BucketClock) {
    this.cap = bitsPerSecond;
    this.#clock = clock;
    const bytesPerSecond = bitsPerSecond === null ? null : bitsPerSecond / 8;
    this.bucket = bytesPerSecond === null ? null : new TokenBucket({ bytesPerSecond, burstBytes: sliceBytesFor(bytesPerSecond), clock });
  }

  get slice(): number {
    return this.bucket?.burstBytes ?? Number.POSITIVE_INFINITY;
  }

  begin(): void {
    this.#first ??= this.#clock.now();
  }

  async pass(bytes: number): Promise<void> {
    this.begin();
    if (this.bucket !== null) await this.bucket.take(bytes);
    this.bytes += bytes;
    this.#last = this.#clock.now();
  }

  stats(): TransferStats {
    const elapsedMs = this.#first === null ? 0 : Math.max(0, this.#last - this.#first);
    return {
      bytes: this.bytes, objects: this.objects, elapsedMs,
      bitsPerSecond: elapsedMs > 0 ? (this.bytes * 8 * 1000) / elapsedMs : null,
      capBitsPerSecond: this.cap,
    };
  }
}

export class LimitBackend implements Backend {
  /** The wrapped backend. */
  readonly inner: Backend;
  readonly #up: Meter;
  readonly #down: Meter;

  constructor(inner: Backend, options: LimitOptions) {
    this.inner = inner;
    const clock = options.clock ?? realClock;
    this.#up = new Meter(options.uploadBitsPerSecond, clock);
    this.#down = new Meter(options.downloadBitsPerSecond ?? null, clock);
  }

  /** The wrapped store's. */
  get properties(): BackendProperties { return this.inner.properties; }

  sweepTemporaries(olderThanMs: number): Promise<number> { return this.inner.sweepTemporaries(olderThanMs); }

  stats(): { upload: TransferStats; download: TransferStats } {
    return { upload: this.#up.stats(), download: this.#down.stats() };
  }

  /** The inner store's stage, its pieces paced as a put's body is. */
  stage(): StagedPut {
    const inner = this.inner.stage();
    const up = this.#up;
    let begun = false;
    return {
      write: async (data) => {
        if (!begun) { up.begin(); begun = true; }
        for (let offset = 0; offset < data.length; offset += up.slice) await up.pass(Math.min(up.slice, data.length - offset));
        await inner.write(data);
      },
      commit: async (name) => { await inner.commit(name); up.objects += 1; },
      abort: () => inner.abort(),
    };
  }

  async put(name: string, data: PutData): Promise<void> {
    this.#up.begin();
    // A spooled body stays replayable: each read of it (a retry, a multipart part) is paced.
    const paced = isReplayable(data) ? mapReplayable(data, (read) => metered(read, this.#up)) : metered(data, this.#up);
    await this.inner.put(name, paced);
    this.#up.objects += 1;
  }

  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    this.#down.begin();
    const bytes = await this.inner.get(name, range);
    await this.#down.pass(bytes.length);
    this.#down.objects += 1;
    return bytes;
  }

  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    this.#down.begin();
    yield* metered(this.inner.getStream(name, range), this.#down);
    this.#down.objects += 1;
  }

  head(name: string): Promise<number | null> {
    return this.inner.head(name);
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }
}

/**
 * The body in slices, each released by the meter. A buffer is cut into views (no copies); a stream's
 * parts are cut the same way, so a 32 MiB part does not go out as one burst.
 */
async function* metered(data: PutData | AsyncIterable<Uint8Array>, meter: Meter): AsyncGenerator<Uint8Array> {
  const parts: Iterable<Uint8Array> | AsyncIterable<Uint8Array> = data instanceof Uint8Array ? [data] : data;
  for await (const part of parts) {
    for (let offset = 0; offset < part.length; offset += meter.slice) {
      const slice = part.subarray(offset, Math.min(part.length, offset + meter.slice));
      await meter.pass(slice.length);
      yield slice;
    }
    if (part.length === 0) yield part;
  }
}
