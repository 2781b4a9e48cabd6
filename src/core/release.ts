// Giving a large buffer's memory back now instead of at V8's next collection. V8 counts Buffer
// memory as "external" and collects it only after ~64 MB more of it exists, so a pipeline that
// allocates a few buffers per MiB of stream carries a hundred MiB of dead buffers and spends a third
// of its CPU in full collections (docs/BENCHMARK.md, issue 16). ArrayBuffer.prototype.transfer(0)
// detaches the buffer and drops its backing store at once.
//
// Only for a buffer whose every view the caller owns and has finished with: after release, every
// view of it reads as empty. Views that share their memory with others (Node's 8 KiB pool for small
// Buffers, slices) are left to the collector: only a view covering its whole ArrayBuffer, and a large
// one, is released.

/** Smaller buffers are left to the collector. (A pipe's reads are 64 KiB each and worth freeing.) */
export const RELEASE_MIN_BYTES = 64 * 1024;

/** Frees `view`'s memory now if it is the whole of a large, non-shared ArrayBuffer; true when it did. */
export function release(view: Uint8Array): boolean {
  if (view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength) return false;
  return releaseBacking(view);
}

/**
 * Frees the whole ArrayBuffer behind `view`, which may be only its start: for an output the caller
 * knows nothing else can see (zlib's one-shot result is a slice of a buffer made for that call
 * alone). Never for a view that may share its buffer with live ones.
 */
export function releaseBacking(view: Uint8Array): boolean {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached || buffer.byteLength < RELEASE_MIN_BYTES) return false;
  try {
    buffer.transfer(0);
    return true;
  } catch {
    // Not detachable: Node marks its Buffer pool (64 KiB in Node 24) so, and memory it lent out.
    // Left to the collector, as it always was.
    return false;
  }
}
