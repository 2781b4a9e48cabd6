// The pieces of a staged object appended to one file (local.ts: a temporary file renamed at commit;
// spool.ts: an unlinked file put to the remote store at commit). What both need and is easy to get
// wrong: pieces land in the order they were handed over, however the caller awaits them; each is
// freed once written; and a piece that did not land is remembered, so the object is never committed
// without a blob its hash and trailer count.
import type { FileHandle } from 'node:fs/promises';
import { writeAll } from '../../core/atomic-write.ts';
import { release } from '../../core/release.ts';

export class FileAppender {
  readonly #open: () => Promise<FileHandle>;
  readonly #failed: (error: NodeJS.ErrnoException) => unknown;
  #handle: Promise<FileHandle> | null = null;
  #tail: Promise<void> = Promise.resolve();
  #broken: { error: unknown } | undefined;
  /** Bytes written so far. */
  size = 0;

  /** `open`: the file, opened with the first piece; `failed`: what a failed write throws (the cause by default). */
  constructor(open: () => Promise<FileHandle>, failed: (error: NodeJS.ErrnoException) => unknown = (error) => error) {
    this.#open = open;
    this.#failed = failed;
  }

  /** Appends `data` after every piece before it and frees it once written (it is handed over). */
  append(data: Uint8Array): Promise<void> {
    const written = this.#tail.then(async () => {
      await writeAll(await this.#file(), data).catch((error: NodeJS.ErrnoException) => { throw this.#failed(error); });
      this.size += data.length;
      release(data);
    });
    this.#tail = written.catch((error: unknown) => { this.#broken ??= { error }; });
    return written;
  }

  /** Once every piece has landed, the file (opened if nothing was appended); the first failure otherwise. */
  async complete(): Promise<FileHandle> {
    await this.#tail;
    if (this.#broken !== undefined) throw this.#broken.error;
    return this.#file();
  }

  /** Waits for the pieces in flight, whatever they do, then closes the file (if it was opened). */
  async close(): Promise<void> {
    await this.#tail;
    const handle = this.#handle;
    this.#handle = null;
    if (handle !== null) await (await handle.catch(() => null))?.close();
  }

  #file(): Promise<FileHandle> {
    return this.#handle ??= this.#open();
  }
}
