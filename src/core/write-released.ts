// Writes chunks that are the caller's own to a stream, waiting until the stream is done with each
// (its write callback) and then releasing it (core/release.ts): a restore hands on ~1 GB of chunks
// per GB of stream, and left to the garbage collector they keep ~64 MiB of dead chunks resident.
// One chunk is in the stream at a time while the next is pulled from the source (restoreStream hashes
// it meanwhile), so the source's work overlaps the stream draining, e.g. into btrfs receive's pipe.
import type { Writable } from 'node:stream';
import { releaseBacking } from './release.ts';

/**
 * Writes every chunk of `chunks` to `out` (without ending it) and frees each once written. Rejects
 * with the source's error, or with the stream's (EPIPE when the reader went away), and then closes
 * the source. Only for chunks whose ArrayBuffer nobody else holds (each a buffer of its own, as
 * openBlobAsync returns): the buffer behind each is freed after its write.
 */
export async function writeReleased(chunks: AsyncIterable<Uint8Array>, out: Writable): Promise<void> {
  let failed: { error: unknown } | undefined;
  // An error between writes (the reader closed its end) must not be an unhandled 'error' event.
  const onError = (error: unknown): void => { failed ??= { error }; };
  out.on('error', onError);
  let inFlight: { chunk: Uint8Array; written: Promise<void> } | undefined;
  const settle = async (): Promise<void> => {
    if (inFlight === undefined) return;
    const { chunk, written } = inFlight;
    inFlight = undefined;
    await written;
    // The whole ArrayBuffer: a decompressed chunk is a view one byte short of zlib's output buffer.
    releaseBacking(chunk);
  };
  try {
    for await (const chunk of chunks) {
      await settle();
      if (failed !== undefined) throw failed.error;
      const written = new Promise<void>((resolve, reject) => {
        out.write(chunk, (error) => { if (error === null || error === undefined) resolve(); else reject(error); });
      });
      // Awaited by settle(); until then a failed write must not count as an unhandled rejection.
      written.catch(() => undefined);
      inFlight = { chunk, written };
    }
    await settle();
    if (failed !== undefined) throw failed.error;
  } finally {
    out.off('error', onError);
  }
}
