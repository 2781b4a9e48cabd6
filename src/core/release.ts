// Frees a buffer's memory now instead of at V8's next collection. ArrayBuffer memory is "external"
// to V8's heap, and V8 collects it only after ~64 MiB more has been allocated since the last
// collection: a restore that drops a few MiB of buffers every millisecond keeps ~64 MiB of dead ones
// resident. Detaching the ArrayBuffer (transfer(0)) frees its memory at once; every view on it then
// reads as empty, so only a buffer nobody else holds may be released.

/** Below this an ArrayBuffer may be Node's shared Buffer pool (8 KiB), and freeing it early saves little. */
export const RELEASE_MIN_BYTES = 64 * 1024;

/**
 * Frees the memory behind `view` if the view owns it: a large ArrayBuffer that the view spans (most
 * of) from its start, as a read buffer or a decompressed chunk does. Anything else, a small or
 * shared buffer, is left to the garbage collector. The caller must be the last holder of `view`.
 */
export function release(view: Uint8Array): void {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < RELEASE_MIN_BYTES) return;
  if (view.byteOffset !== 0 || view.byteLength * 2 < buffer.byteLength) return;
  try {
    // ES2024's ArrayBuffer.prototype.transfer (Node ≥ 21); the project's lib types predate it.
    (buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
  } catch {
    // Not detachable (wasm memory, a buffer its creator pinned): the collector frees it as before.
  }
}
