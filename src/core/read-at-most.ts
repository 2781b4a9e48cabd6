// A web stream's bytes, refused past a limit while reading (a declared length can lie): bodies of
// requests the API takes and answers the fleet view reads are both hostile.

/** The stream's bytes, or null as soon as it passes `max` (the rest is cancelled, never read). */
export async function readAtMost(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | null> {
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
