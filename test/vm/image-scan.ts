// Where some bytes sit in a disk image: the fault tests find the block of a file the guest wrote, to
// have blkdebug fail it at the next boot. Plain reads in chunks (grep's hole skipping gave wrong offsets).
import { open } from 'node:fs/promises';

/** The byte offset of the first `needle` wholly within the image's first `limit` bytes, or null. */
export async function findInImage(image: string, needle: Buffer, limit: number): Promise<number | null> {
  const chunk = 16 * 1024 * 1024;
  const buf = Buffer.alloc(chunk + needle.length);
  const file = await open(image, 'r');
  try {
    // Each read overlaps the previous one by the needle's length, so a needle across a boundary is found.
    for (let pos = 0; pos < limit; pos += chunk) {
      const { bytesRead } = await file.read(buf, 0, Math.min(buf.length, limit - pos), pos);
      if (bytesRead === 0) return null;
      const at = buf.subarray(0, bytesRead).indexOf(needle);
      if (at !== -1) return pos + at;
    }
    return null;
  } finally {
    await file.close();
  }
}
