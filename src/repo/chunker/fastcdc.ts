// FastCDC with normalized chunking, level 2 (Xia et al., USENIX ATC 2016), 32-bit gear hash:
//   h = (h << 1) + G[byte]            (only the last 32 bytes influence h)
// No cut before `min` bytes (the hash restarts at min for every chunk). From min until avg the cut
// condition is (h & maskS) == 0 with log2(avg)+2 high bits, from avg until max it is
// (h & maskL) == 0 with log2(avg)-2 high bits, and a chunk is cut at max regardless. High bits
// because a left-shifting hash mixes the oldest bytes into them. With min = avg/2 the mean chunk is
// close to avg (measured in fastcdc.test.ts).
import type { ChunkerParams } from '../params.ts';

function highMask(bits: number): number {
  return bits <= 0 ? 0 : (-1 << (32 - bits)) | 0;
}

export function chunkMasks(avg: number): { maskS: number; maskL: number } {
  const bits = Math.round(Math.log2(avg));
  return { maskS: highMask(bits + 2), maskL: highMask(bits - 2) };
}

/** Cut-point search that can resume where it stopped when more bytes arrive. */
export class CutFinder {
  readonly #params: ChunkerParams;
  readonly #gear: Int32Array;
  readonly #maskS: number;
  readonly #maskL: number;
  #h = 0;
  #pos = 0;

  constructor(params: ChunkerParams, gear: Int32Array) {
    this.#params = params;
    this.#gear = gear;
    ({ maskS: this.#maskS, maskL: this.#maskL } = chunkMasks(params.avg));
  }

  /**
   * The length of the chunk starting at buf[start], given `available` bytes from there; -1 when
   * more bytes are needed. `final` means no more bytes will come. Call reset() after each cut.
   */
  scan(buf: Uint8Array, start: number, available: number, final: boolean): number {
    const { min, avg, max } = this.#params;
    const gear = this.#gear;
    const end = Math.min(available, max);
    let h = this.#h;
    let i = Math.max(this.#pos, min);
    const normal = Math.min(end, avg);
    const maskS = this.#maskS;
    for (; i < normal; i++) {
      h = ((h << 1) + gear[buf[start + i]!]!) | 0;
      if ((h & maskS) === 0) return i + 1;
    }
    const maskL = this.#maskL;
    for (; i < end; i++) {
      h = ((h << 1) + gear[buf[start + i]!]!) | 0;
      if ((h & maskL) === 0) return i + 1;
    }
    if (end === max) return max;
    if (final) return available;
    this.#h = h;
    this.#pos = i;
    return -1;
  }

  reset(): void {
    this.#h = 0;
    this.#pos = 0;
  }
}

/**
 * The chunker fed piece by piece, synchronously (the chunking thread and chunkStream share it).
 * Holds one window of `max` bytes; every byte is hashed once. emit() gets a view into the window,
 * valid only during the call: copy what must outlive it.
 */
export class StreamChunker {
  readonly #params: ChunkerParams;
  readonly #finder: CutFinder;
  readonly #window: Buffer;
  #filled = 0;

  constructor(params: ChunkerParams, gear: Int32Array) {
    this.#params = params;
    this.#finder = new CutFinder(params, gear);
    this.#window = Buffer.allocUnsafe(params.max);
  }

  push(input: Uint8Array, emit: (chunk: Uint8Array) => void): void {
    const { max } = this.#params;
    const window = this.#window;
    const finder = this.#finder;
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(max - this.#filled, input.length - offset);
      window.set(input.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      let start = 0;
      while (true) {
        const cut = finder.scan(window, start, this.#filled - start, false);
        if (cut < 0) break;
        emit(window.subarray(start, start + cut));
        finder.reset();
        start += cut;
      }
      if (start > 0) {
        window.copyWithin(0, start, this.#filled);
        this.#filled -= start;
      }
    }
  }

  /** No more input: emits the rest (the last chunk may be shorter than min). */
  end(emit: (chunk: Uint8Array) => void): void {
    let start = 0;
    while (start < this.#filled) {
      const cut = this.#finder.scan(this.#window, start, this.#filled - start, true);
      emit(this.#window.subarray(start, start + cut));
      this.#finder.reset();
      start += cut;
    }
    this.#filled = 0;
  }
}

/**
 * Splits a stream of buffers of any sizes into content-defined chunks. Holds at most `max` bytes
 * plus the chunks of one input buffer; every byte is hashed once. Each yielded chunk is a fresh Buffer.
 */
export async function* chunkStream(source: AsyncIterable<Uint8Array>, params: ChunkerParams, gear: Int32Array): AsyncGenerator<Buffer> {
  const chunker = new StreamChunker(params, gear);
  const out: Buffer[] = [];
  const keep = (chunk: Uint8Array): void => { out.push(Buffer.from(chunk)); };
  for await (const input of source) {
    chunker.push(input, keep);
    yield* out.splice(0);
  }
  chunker.end(keep);
  yield* out.splice(0);
}

/** All chunk lengths of one buffer (tests, fixtures). */
export function chunkLengths(data: Uint8Array, params: ChunkerParams, gear: Int32Array): number[] {
  const finder = new CutFinder(params, gear);
  const lengths: number[] = [];
  let start = 0;
  while (start < data.length) {
    const cut = finder.scan(data, start, data.length - start, true);
    lengths.push(cut);
    finder.reset();
    start += cut;
  }
  return lengths;
}
