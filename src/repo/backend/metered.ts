// A Backend that counts what a run costs on a metered object store: calls per operation and UTC day
// (B2 prices calls by class and resets its free allowances at 00:00 UTC), bytes up and down, and the
// bytes of objects deleted or overwritten (on B2 those linger as hidden versions, billed until the
// lifecycle rule removes them: docs/knowledge/backblaze-b2.md §5). It counts what goes over the wire to S3, not
// Backend calls: a listing is one call per page of keys, a large put is a multipart upload.
//
// Prices are not known here (cost/prices.ts maps operations to classes and dollars); this file only
// records facts. It sits innermost, right around the store, inside the retry layer (open.ts builds
// that stack), so that every retried attempt is counted as the call it is.
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { isReplayable } from './backend.ts';

export const METERED_OPERATIONS = [
  'put', 'create-multipart', 'upload-part', 'complete-multipart', 'get', 'head', 'list', 'delete',
] as const;
export type MeteredOperation = (typeof METERED_OPERATIONS)[number];

/** What one UTC day saw. */
export interface DayUsage {
  calls: Partial<Record<MeteredOperation, number>>;
  bytesUp: number;
  bytesDown: number;
  /** Bytes of objects deleted or overwritten whose size this handle knew (from a listing or its own put). */
  bytesDeleted: number;
  /** Deletes of objects of unknown size: their bytes are missing from bytesDeleted. */
  deletesOfUnknownSize: number;
}

/** UTC date "YYYY-MM-DD" → usage. */
export type UsageByDay = Record<string, DayUsage>;

export interface MultipartShape {
  /** Objects larger than this go up as create + parts + complete (lib-storage's default is 5 MiB). */
  thresholdBytes: number;
  partBytes: number;
}

export interface MeteredOptions {
  now?: () => Date;
  /** How the S3 backend splits large puts; null = every put is one PutObject. */
  multipart?: MultipartShape | null;
  /** Keys per listing page (S3 ListObjectsV2 returns at most 1,000). */
  listPageSize?: number;
}

export const S3_LIST_PAGE = 1000;

export function emptyDay(): DayUsage {
  return { calls: {}, bytesUp: 0, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0 };
}

/** `a` and `b` summed day by day (pure). */
export function addUsage(a: UsageByDay, b: UsageByDay): UsageByDay {
  const out: UsageByDay = structuredClone(a);
  for (const [date, day] of Object.entries(b)) out[date] = addDay(out[date] ?? emptyDay(), day);
  return out;
}

export function addDay(a: DayUsage, b: DayUsage): DayUsage {
  const calls: Partial<Record<MeteredOperation, number>> = { ...a.calls };
  for (const op of METERED_OPERATIONS) {
    const n = b.calls[op];
    if (n !== undefined && n > 0) calls[op] = (calls[op] ?? 0) + n;
  }
  return {
    calls,
    bytesUp: a.bytesUp + b.bytesUp,
    bytesDown: a.bytesDown + b.bytesDown,
    bytesDeleted: a.bytesDeleted + b.bytesDeleted,
    deletesOfUnknownSize: a.deletesOfUnknownSize + b.deletesOfUnknownSize,
  };
}

export class MeteredBackend implements Backend {
  readonly inner: Backend;
  readonly #now: () => Date;
  readonly #multipart: MultipartShape | null;
  readonly #pageSize: number;
  readonly #days = new Map<string, DayUsage>();
  // Sizes of objects seen in listings or put by us: a delete can then say how many bytes it hid
  // without a HEAD, which would itself be a billed call.
  readonly #sizes = new Map<string, number>();

  constructor(inner: Backend, options: MeteredOptions = {}) {
    this.inner = inner;
    this.#now = options.now ?? (() => new Date());
    this.#multipart = options.multipart ?? null;
    this.#pageSize = options.listPageSize ?? S3_LIST_PAGE;
  }

  /** The wrapped store's. */
  get properties(): BackendProperties { return this.inner.properties; }

  sweepTemporaries(olderThanMs: number): Promise<number> { return this.inner.sweepTemporaries(olderThanMs); }

  /** Everything counted so far, per UTC day (a copy). */
  usage(): UsageByDay {
    return Object.fromEntries([...this.#days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, u]) => [d, structuredClone(u)]));
  }

  #day(): DayUsage {
    const date = this.#now().toISOString().slice(0, 10);
    let day = this.#days.get(date);
    if (day === undefined) { day = emptyDay(); this.#days.set(date, day); }
    return day;
  }

  #count(day: DayUsage, op: MeteredOperation, n = 1): void {
    day.calls[op] = (day.calls[op] ?? 0) + n;
  }

  /** The inner store's stage (a local pack stays a file), counted as the put it ends in. */
  stage(): StagedPut {
    const inner = this.inner.stage();
    let size = 0;
    return {
      write: (data) => { size += data.length; return inner.write(data); },
      commit: (name) => this.#counted(name, () => size, () => inner.commit(name)),
      abort: () => inner.abort(),
    };
  }

  async put(name: string, data: PutData): Promise<void> {
    // A buffer's or a spooled body's size is known; a stream's is what went through.
    if (data instanceof Uint8Array || isReplayable(data)) {
      const size = data instanceof Uint8Array ? data.length : data.size;
      return this.#counted(name, () => size, () => this.inner.put(name, data));
    }
    let size = 0;
    await this.#counted(name, () => size, () => this.inner.put(name, countBytes(data, (n) => { size += n; })));
  }

  /** Runs an upload of `name` and counts it as the put (or multipart upload) it is. */
  async #counted(name: string, size: () => number, upload: () => Promise<void>): Promise<void> {
    // The day is the one the upload started on: that is when the calls are made.
    const day = this.#day();
    try {
      await upload();
    } finally {
      // Failed uploads were still requests (and used the link): count what was sent.
      this.#countPut(day, size());
    }
    const previous = this.#sizes.get(name);
    if (previous !== undefined) day.bytesDeleted += previous; // the old version is now hidden
    this.#sizes.set(name, size());
  }

  #countPut(day: DayUsage, size: number): void {
    day.bytesUp += size;
    const mp = this.#multipart;
    if (mp === null || size <= mp.thresholdBytes) { this.#count(day, 'put'); return; }
    this.#count(day, 'create-multipart');
    this.#count(day, 'upload-part', Math.ceil(size / mp.partBytes));
    this.#count(day, 'complete-multipart');
  }

  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    const day = this.#day();
    this.#count(day, 'get');
    const bytes = await this.inner.get(name, range);
    day.bytesDown += bytes.length;
    return bytes;
  }

  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    const day = this.#day();
    this.#count(day, 'get');
    for await (const part of this.inner.getStream(name, range)) {
      day.bytesDown += part.length;
      yield part;
    }
  }

  async head(name: string): Promise<number | null> {
    this.#count(this.#day(), 'head');
    return this.inner.head(name);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const day = this.#day();
    this.#count(day, 'list'); // the first page is fetched even when it comes back empty
    let seen = 0;
    for await (const info of this.inner.list(prefix)) {
      if (seen > 0 && seen % this.#pageSize === 0) this.#count(day, 'list');
      seen++;
      this.#sizes.set(info.name, info.size);
      yield info;
    }
  }

  async delete(name: string): Promise<void> {
    const day = this.#day();
    this.#count(day, 'delete');
    await this.inner.delete(name);
    const size = this.#sizes.get(name);
    if (size === undefined) day.deletesOfUnknownSize += 1;
    else day.bytesDeleted += size;
    this.#sizes.delete(name);
  }
}

async function* countBytes(data: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const part of data) {
    add(part.length);
    yield part;
  }
}

export interface StoredTotal {
  bytes: number;
  objects: number;
}

/**
 * Bytes and objects under `prefix`: what the store bills as current data (hidden versions are not
 * listed; the ledger estimates them from bytesDeleted). Through a MeteredBackend the listing is
 * counted like any other.
 */
export async function measureStored(backend: Backend, prefix: string): Promise<StoredTotal> {
  let bytes = 0;
  let objects = 0;
  for await (const info of backend.list(prefix)) { bytes += info.size; objects++; }
  return { bytes, objects };
}
