// The send stream as the backup writer reads it (its own file: the benchmark's panther entry uses it
// without loading the whole backup run).
import { PantherError } from '../core/errors.ts';

/** Every btrfs send stream starts with this magic (docs/knowledge/send-stream.md). */
const SEND_MAGIC = Buffer.from('btrfs-stream\0', 'latin1');

/**
 * The send stream, failing if btrfs send fails: a stream that merely ends early must never become
 * a backup point, so the writer only sees the end after the process exited 0.
 */
export async function* checkedStream(stdout: AsyncIterable<Uint8Array>, done: Promise<void>, kill: () => void): AsyncGenerator<Uint8Array> {
  let finished = false;
  let seen = 0;
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of stdout) {
      if (head.length < SEND_MAGIC.length) head = Buffer.concat([head, Buffer.from(chunk)]).subarray(0, SEND_MAGIC.length);
      seen += chunk.length;
      yield chunk;
    }
    await done;
    // Belt and braces: never let an empty or foreign stream become a backup point.
    if (seen < SEND_MAGIC.length || !head.equals(SEND_MAGIC)) {
      throw new PantherError('send-stream-invalid', `btrfs send produced ${seen === 0 ? 'no data' : 'a stream that is not a send stream'}`, {
        hint: 'nothing was committed; run the backup again and report this if it repeats',
      });
    }
    finished = true;
  } finally {
    if (!finished) { kill(); await done.catch(() => undefined); }
  }
}
