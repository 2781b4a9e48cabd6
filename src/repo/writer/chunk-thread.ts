// Chunks a stream and hashes it (ids and whole-stream digest, chunk-hasher.ts): on this thread, or on
// request (ChunkThreadOptions.worker) on a worker thread, so that the per-byte work (FastCDC and two
// SHA-256 passes) runs beside the main thread's reading, sealing, packing and uploading. For the
// worker, the source's pieces are copied into 1 MiB batches (the caller may still hold its buffers)
// that are transferred and handed back for reuse; chunks come back transferred, in order. 'auto'
// keeps a stream shorter than 4 MiB on this thread (a thread costs more than hashing a few MiB).
// Either way bytes between the source and the consumer are bounded (max chunk + a few batches), so
// a slow upload slows the reading, as before.
import { getCompileCacheDir } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ChunkHasher, ID_BYTES } from './chunk-hasher.ts';
import type { CutChunks, HasherInit } from './chunk-hasher.ts';
import type { FromWorker, ToWorker } from './chunk-worker.ts';
import { release } from '../../core/release.ts';

export interface HashedChunk {
  data: Buffer;
  /** HMAC-SHA-256 chunk id. */
  id: Buffer;
}

export interface ChunkThreadOptions {
  /**
   * 'never' (default): on this thread, the source's pieces as they come. 'auto': a worker once the
   * stream passes 4 MiB; 'always': a worker. Measured on 2 shared cores (docs: the i16 report), the
   * worker cost more CPU and ~55 MiB more RSS than it saved in wall time, so it is opt-in.
   */
  worker?: 'auto' | 'always' | 'never';
}

const BATCH = 1024 * 1024;
const IN_PLACE_BELOW = 4 * BATCH;
const WORKER_URL = new URL('./chunk-worker.js', import.meta.url);

let running = 0;

/** Chunking threads started and not yet exited (tests: none may outlive its stream). */
export function runningChunkThreads(): number {
  return running;
}

interface Engine {
  post(piece: Buffer): void;
  end(): void;
  stop(): Promise<void>;
}

interface EngineEvents {
  cut(cut: CutChunks, spare: Uint8Array | null): void;
  done(cut: CutChunks, sha256: string): void;
  fail(error: unknown): void;
}

function inPlace(init: HasherInit, events: EngineEvents): Engine {
  const hasher = new ChunkHasher(init);
  return {
    post: (piece) => { events.cut(hasher.push(piece), piece); },
    end: () => { const cut = hasher.end(); events.done(cut, hasher.sha256()); },
    stop: async () => undefined,
  };
}

function onWorker(init: HasherInit, events: EngineEvents): Engine {
  let finished = false;
  // The process's compile cache (src/cli/panther.js turns it on) serves the thread too.
  const worker = new Worker(WORKER_URL, { workerData: { ...init, compileCache: getCompileCacheDir() }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  running += 1;
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'cut') events.cut(m, m.spare);
    else { finished = true; events.done(m, m.sha256); }
  });
  worker.on('error', (error) => { events.fail(error); });
  worker.on('exit', (code) => { running -= 1; if (!finished) events.fail(new Error(`the chunking thread stopped early (exit code ${code})`)); });
  return {
    post: (piece) => { worker.postMessage({ type: 'data', piece } satisfies ToWorker, [piece.buffer as ArrayBuffer]); },
    end: () => { worker.postMessage({ type: 'end' } satisfies ToWorker); },
    stop: async () => { finished = true; await worker.terminate(); },
  };
}

/** A cut's chunks with their ids (views into the cut's id buffer). */
function paired(cut: CutChunks): HashedChunk[] {
  return cut.chunks.map((c, i) => ({
    data: Buffer.from(c.buffer, c.byteOffset, c.length),
    id: Buffer.from(cut.ids!.buffer, cut.ids!.byteOffset + i * ID_BYTES, ID_BYTES),
  }));
}

/**
 * The chunks of `source` with their ids, in stream order; `sha256` is set once they all came out.
 * Breaking out of the loop (or an error) stops the thread and returns the source, as a plain
 * generator would; an error of the source comes out after the chunks cut before it.
 */
export class HashedChunks implements AsyncIterable<HashedChunk> {
  readonly #source: AsyncIterable<Uint8Array>;
  readonly #init: HasherInit;
  readonly #mode: 'auto' | 'always' | 'never';
  readonly #limit: number;
  sha256: string | undefined;

  readonly #releaseInput: boolean;

  /** releaseInput: the source's buffers are handed over; each is freed once copied (core/release.ts). */
  constructor(source: AsyncIterable<Uint8Array>, init: HasherInit, options: ChunkThreadOptions = {}, releaseInput = false) {
    this.#source = source;
    this.#releaseInput = releaseInput;
    this.#init = init;
    this.#mode = options.worker ?? 'never';
    // The engine must always be able to get to its next cut (up to max bytes past the last one).
    this.#limit = init.params.max + 4 * BATCH;
  }

  [Symbol.asyncIterator](): AsyncGenerator<HashedChunk> {
    return this.#mode === 'never' ? this.#inThread() : this.#threaded();
  }

  /**
   * The default: a plain generator on this thread. The hasher copies what it keeps, so the source's
   * pieces are used as they come, and the next one is read once the last one's chunks are taken.
   */
  async *#inThread(): AsyncGenerator<HashedChunk> {
    const hasher = new ChunkHasher(this.#init);
    for await (const input of this.#source) {
      const cut = hasher.push(input);
      if (this.#releaseInput) release(input);
      yield* paired(cut);
    }
    yield* paired(hasher.end());
    this.sha256 = hasher.sha256();
  }

  async *#threaded(): AsyncGenerator<HashedChunk> {
    const ready: HashedChunk[] = [];
    const spares: Buffer[] = [];
    const held: Buffer[] = [];
    let engine: Engine | undefined;
    let batch: Buffer | undefined;
    let used = 0;
    let posted = 0;
    let taken = 0;
    let unanswered = 0;
    let done = false;
    let stop = false;
    let failure: { error: unknown } | undefined;
    let sourceFailure: { error: unknown } | undefined;
    let wakeConsumer: (() => void) | undefined;
    let wakePump: (() => void) | undefined;
    const wake = (): void => {
      const c = wakeConsumer; const p = wakePump;
      wakeConsumer = undefined; wakePump = undefined;
      c?.(); p?.();
    };
    const accept = (cut: CutChunks): void => { ready.push(...paired(cut)); };
    const events: EngineEvents = {
      cut: (cut, spare) => {
        unanswered -= 1;
        accept(cut);
        if (spare !== null && spare.buffer.byteLength === BATCH) spares.push(Buffer.from(spare.buffer, 0, BATCH));
        // Nothing to hand out and the engine idle: give it what the source gave so far rather than
        // wait for a full batch (every message costs; most batches should be full).
        if (unanswered === 0 && ready.length === 0 && batch !== undefined && used > 0) send();
        wake();
      },
      done: (cut, sha256) => { accept(cut); this.sha256 = sha256; done = true; wake(); },
      fail: (error) => { failure ??= { error }; wake(); },
    };
    const send = (): void => {
      const piece = batch!.subarray(0, used);
      batch = undefined;
      used = 0;
      posted += piece.length;
      if (engine === undefined) {
        held.push(piece);
        // (Below the bound on bytes in flight, or the source would wait for room that never comes.)
        if (posted < IN_PLACE_BELOW && this.#mode === 'auto') return;
        engine = onWorker(this.#init, events);
        for (const p of held.splice(0)) { unanswered += 1; engine.post(p); }
        return;
      }
      unanswered += 1;
      engine.post(piece);
    };
    /** Hands everything read so far to the engine (this thread's when no worker was needed). */
    const drain = (): Engine => {
      if (batch !== undefined && used > 0) send();
      const e = engine ??= inPlace(this.#init, events);
      for (const p of held.splice(0)) { unanswered += 1; e.post(p); }
      return e;
    };
    const roomFor = async (): Promise<void> => {
      while (!stop && failure === undefined && posted - taken >= this.#limit) await new Promise<void>((r) => { wakePump = r; });
    };

    const iterator = this.#source[Symbol.asyncIterator]();
    const pump = (async (): Promise<void> => {
      let ended = false;
      try {
        while (!stop && failure === undefined) {
          const next = await iterator.next();
          if (next.done === true) { ended = true; break; }
          const input = next.value;
          let offset = 0;
          while (offset < input.length) {
            if (batch === undefined) {
              await roomFor();
              if (stop || failure !== undefined) return;
              batch = spares.pop() ?? Buffer.allocUnsafeSlow(BATCH);
            }
            const n = Math.min(BATCH - used, input.length - offset);
            batch.set(input.subarray(offset, offset + n), used);
            used += n;
            offset += n;
            if (used === BATCH) send();
          }
          if (this.#releaseInput) release(input);
          if (batch !== undefined && engine !== undefined && unanswered === 0 && ready.length === 0) send();
        }
        if (ended) drain().end();
      } catch (error) {
        ended = true;
        sourceFailure = { error };
        // As a plain generator would: the chunks cut before the failure still come out.
        drain();
        wake();
      } finally {
        if (!ended) await iterator.return?.();
      }
    })();
    pump.catch(() => undefined);

    try {
      while (true) {
        const next = ready.shift();
        if (next !== undefined) {
          taken += next.data.length;
          if (ready.length === 0 && unanswered === 0 && engine !== undefined && batch !== undefined && used > 0) send();
          wake();
          yield next;
          continue;
        }
        if (failure !== undefined) throw failure.error;
        if (done) break;
        // Everything cut before the source failed is out: now its error.
        if (sourceFailure !== undefined && unanswered === 0) throw sourceFailure.error;
        await new Promise<void>((r) => { wakeConsumer = r; });
      }
    } finally {
      stop = true;
      wake();
      await engine?.stop();
      await pump;
    }
  }
}
