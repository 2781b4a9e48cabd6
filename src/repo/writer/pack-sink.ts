// Where sealed blobs go: fills a pack, and when the next blob would overflow it, uploads the pack
// and then, immediately, an index segment for it (docs/FORMAT.md §5: packs → index → manifest). A
// chunk counts as stored only once its segment is written, so a crash loses at most the pack being
// filled and the one being uploaded; every earlier pack is found by the next run's dedup. One upload
// runs while the next pack fills. Each blob goes to the backend's stage as it is added: a local
// repository writes it to a temporary file at once (no pack is ever held in memory), and the next
// blob is chunked and sealed while that write runs (one write in flight); a remote one keeps the
// pack in memory until its upload, so memory stays near 2 × packSize there.
import type { Repository } from '../repository.ts';
import { PackBuilder } from '../pack/pack.ts';
import type { FinishedPack } from '../pack/pack.ts';
import { encodeSegment, sealSegment } from '../index/index-segment.ts';
import { ObjectType } from '../crypto/envelope.ts';
import { sealPayload } from '../crypto/sealed.ts';
import type { RepoIndex } from '../index/repo-index.ts';

/** The backend's staged put (backend.ts StagedPut), named through the repository: the writer never reaches the backend itself. */
type StagedPut = ReturnType<Repository['backend']['stage']>;

export interface SinkStats {
  storedBytes: number;
  packsUploaded: number;
}

export class PackSink {
  readonly #repo: Repository;
  readonly #index: RepoIndex;
  readonly #onUploaded: () => void;
  #builder = new PackBuilder(false);
  /** Where the pack being filled goes; opened with its first blob. */
  #stage: StagedPut | null = null;
  #upload: Promise<void> = Promise.resolve();
  /** The blob being written to the stage (add does not wait for it; the next add and flush do). */
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;
  /** Chunk ids (hex) sealed but not yet durable: dedup within the run must see them. */
  readonly pending = new Set<string>();
  /** Encoded index records of this run's packs, for the merged segment. */
  readonly #records: Buffer[] = [];
  readonly #segments: string[] = [];
  #superseded: string[] = [];
  readonly stats: SinkStats = { storedBytes: 0, packsUploaded: 0 };

  constructor(repo: Repository, index: RepoIndex, onUploaded: () => void) {
    this.#repo = repo;
    this.#index = index;
    this.#onUploaded = onUploaded;
  }

  /**
   * Adds a sealed blob, handing it over (the stage may free it once written). The write runs while
   * the caller chunks and seals the next blob: only one is in flight (a stage takes its pieces one
   * after another), and the next add waits for it. A write that failed fails the next call.
   */
  async add(id: Buffer, sealed: Buffer, rawLength: number): Promise<void> {
    await this.#written();
    if (this.#builder.count > 0 && this.#builder.size + sealed.length > this.#repo.params.packSize) await this.flush();
    this.#builder.add(id, sealed, rawLength);
    const stage = this.#stage ??= this.#repo.backend.stage();
    // The pack now lacks a blob its hash and trailer count if this fails: it must never be committed.
    this.#writing = stage.write(sealed).catch((error: unknown) => { this.#failure ??= error; });
  }

  /** The blob write in flight has landed; throws if it (or anything before it) failed. */
  async #written(): Promise<void> {
    await this.#writing;
    this.#throwIfFailed();
  }

  /** Closes the current pack (if any) and starts its upload once the previous upload is done. */
  async flush(): Promise<void> {
    if (this.#builder.count === 0) return;
    const pack = this.#builder.finish(this.#repo.secrets.objectRoot);
    const stage = this.#stage!;
    this.#builder = new PackBuilder(false);
    this.#stage = null;
    try {
      await this.#written();
      for (const part of pack.parts) await stage.write(part);
      await this.#upload;
      this.#throwIfFailed();
    } catch (error) {
      this.#failure ??= error;
      // Nothing of this run may still be running when the caller hears of the failure.
      await stage.abort();
      await this.#upload;
      throw error;
    }
    this.#upload = this.#store(pack, stage).catch((error: unknown) => { this.#failure = error; });
  }

  async #store(pack: FinishedPack, stage: StagedPut): Promise<void> {
    const repo = this.#repo;
    await stage.commit(repo.store.name('packs', pack.id));
    const record = { id: pack.id, size: pack.size, entries: pack.entries };
    const segment = sealSegment(repo.secrets.objectRoot, [record], repo.params.compressionLevel);
    const segmentId = await repo.store.write('index', segment);
    this.#index.addPack(record, segmentId);
    for (const e of pack.entries) this.pending.delete(e.id.toString('hex'));
    this.#records.push(encodeSegment([record]).subarray(4));
    this.#segments.push(segmentId);
    this.stats.storedBytes += pack.size + segment.length;
    this.stats.packsUploaded += 1;
    this.#onUploaded();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Uploads what is left, waits for it, and writes one segment listing all of this run's packs. */
  async close(): Promise<void> {
    await this.flush();
    await this.#upload;
    this.#throwIfFailed();
    await this.#mergeSegments();
  }

  /** Deletes the per-pack segments the merged one replaces; returns how many could not be deleted. */
  async removeSuperseded(): Promise<number> {
    let failed = 0;
    for (const segment of this.#superseded) {
      try {
        await this.#repo.store.delete('index', segment);
      } catch {
        failed += 1;
      }
    }
    this.#superseded = [];
    return failed;
  }

  /** Waits for the upload in flight without closing (used when giving up after an error). */
  async settle(): Promise<void> {
    await this.#writing;
    await this.#upload;
    await this.#stage?.abort();
    this.#stage = null;
  }

  // One segment per pack keeps crashes cheap; one per run keeps opening cheap (each segment is a
  // GET, and B2 bills GETs). The merged segment is written before the per-pack ones are deleted
  // (removeSuperseded, after the manifest), so the index never loses an entry; a crash in between
  // leaves duplicates, which are harmless.
  async #mergeSegments(): Promise<void> {
    if (this.#segments.length < 2) return;
    const repo = this.#repo;
    const count = Buffer.alloc(4);
    count.writeUInt32LE(this.#records.length);
    const plain = Buffer.concat([count, ...this.#records]);
    const merged = sealPayload(repo.secrets.objectRoot, ObjectType.index, plain, repo.params.compressionLevel);
    const mergedId = await repo.store.write('index', merged);
    this.stats.storedBytes += merged.length;
    const numbers: number[] = [];
    for (const segment of this.#segments) {
      numbers.push(...(this.#index.segments.get(segment) ?? []));
      this.#index.segments.delete(segment);
    }
    this.#index.segments.set(mergedId, numbers);
    this.#superseded = this.#segments.splice(0);
  }
}
