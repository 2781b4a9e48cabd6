// The storage interface every backend implements: named objects of bytes, nothing more. A backend
// knows nothing of packs, keys or hosts (docs/FORMAT.md §2); the repository is its only user.
import { PantherError } from '../../core/errors.ts';
import { release } from '../../core/release.ts';

export interface ObjectInfo {
  name: string;
  size: number;
}

/** A byte range of an object. A range running past the end yields the bytes up to the end. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * A put body that can be read again, whole or a range at a time, any number of times and
 * concurrently (a spooled pack: spool.ts). Iterating it reads it whole from the start, so a backend
 * that knows only streams stores it as one; one that knows better retries it, or uploads its parts
 * straight from their ranges, without holding it in memory.
 */
export interface ReplayableBody extends AsyncIterable<Uint8Array> {
  readonly replayable: true;
  readonly size: number;
  /** A fresh read of `range` (the whole body when absent). */
  read(range?: ByteRange): AsyncIterable<Uint8Array>;
}

export type PutData = Uint8Array | AsyncIterable<Uint8Array> | ReplayableBody;

export function isReplayable(data: PutData): data is ReplayableBody {
  return !(data instanceof Uint8Array) && (data as Partial<ReplayableBody>).replayable === true;
}

/** The same body with every read passed through `wrap` (pacing, counting): still replayable. */
export function mapReplayable(body: ReplayableBody, wrap: (read: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>): ReplayableBody {
  return {
    replayable: true,
    size: body.size,
    read: (range) => wrap(body.read(range)),
    [Symbol.asyncIterator]: () => wrap(body.read())[Symbol.asyncIterator](),
  };
}

/**
 * What a backend is, so that callers decide from facts instead of duck-typing methods or re-parsing
 * the repository URL. Wrappers (retry, limit, metered, fault) report their innermost store's.
 */
export interface BackendProperties {
  /** The store that holds the objects. */
  readonly kind: 'local' | 's3' | 'memory';
  /**
   * A listing started after a put returned shows the object (and not a deleted one). Only then may
   * a repository lock skip its settle delay (repo/lock/params.ts lockParamsFor).
   */
  readonly listAfterWriteConsistent: boolean;
  /**
   * A crashed write can leave temporary files that sweepTemporaries removes. False for S3, where an
   * unfinished multipart upload is cancelled by the bucket's lifecycle rule instead.
   */
  readonly sweepsTemporaries: boolean;
  /** Objects travel over a network: calls fail transiently (and are retried), may be billed. */
  readonly remote: boolean;
}

/**
 * An object written piece by piece and named only when complete (a pack is named by the hash of
 * its bytes). A local store keeps the pieces in a temporary file and renames it, so a pack never
 * sits in memory; a remote one spools them to a file and puts that at commit (spool.ts); the
 * others hold them until commit puts them (BufferedStage).
 */
export interface StagedPut {
  /** Appends bytes. They are handed over: the stage may free them (core/release.ts), the caller never uses them again. */
  write(data: Uint8Array): Promise<void>;
  /** Stores what was written as object `name`, with put's atomicity. The stage is spent either way. */
  commit(name: string): Promise<void>;
  /** Drops what was written: no object appears. Harmless after commit. */
  abort(): Promise<void>;
}

export interface Backend {
  /** What this backend is (a wrapper answers for the store it wraps). */
  readonly properties: BackendProperties;
  /** Starts an object to be written in pieces and named at the end. */
  stage(): StagedPut;
  /**
   * Stores an object under `name`, replacing any object of that name. Atomic: readers and listings
   * see either nothing (or the old object) or the complete new object, never a prefix of it.
   */
  put(name: string, data: PutData): Promise<void>;
  /** The object's bytes (or one range of them). Throws `object-not-found` when absent. */
  get(name: string, range?: ByteRange): Promise<Uint8Array>;
  /** Like get, as a stream, for objects too large to hold. */
  getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** Size in bytes, or null when the object does not exist. */
  head(name: string): Promise<number | null>;
  /** Every object whose name starts with `prefix`, in byte order of names. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Removes the object. Deleting a missing object is not an error (S3 semantics). */
  delete(name: string): Promise<void>;
  /**
   * Removes temporary files that crashed writes left behind, if older than `olderThanMs` (so a write
   * in progress elsewhere is not cut); returns how many. 0 when `properties.sweepsTemporaries` is false.
   */
  sweepTemporaries(olderThanMs: number): Promise<number>;
}

// Segments may not start with '.': that namespace is reserved for a backend's temporary files, so
// an unfinished upload can never be mistaken for (or listed as) an object.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
export const MAX_NAME_LENGTH = 1024;

/** Why `name` is not a safe object name, or undefined when it is. Names are hostile input. */
export function objectNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  for (const segment of name.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (!SEGMENT.test(segment)) return `has a segment "${segment}" outside [A-Za-z0-9._-] or starting with "."`;
  }
  return undefined;
}

export function assertObjectName(name: string): void {
  const problem = objectNameProblem(name);
  if (problem !== undefined) {
    throw new PantherError('bad-object-name', `object name ${JSON.stringify(String(name).slice(0, 200))} ${problem}`, {
      subject: 'backend',
      hint: 'object names are relative paths of [A-Za-z0-9._-] segments; this is a bug or a hostile name',
    });
  }
}

/** Prefixes may end with '/' or in the middle of a segment; they follow the name rules otherwise. */
export function assertPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertObjectName(trimmed.length === 0 ? '/' : trimmed);
}

export function notFound(name: string): PantherError {
  return new PantherError('object-not-found', `object ${name} does not exist`, {
    subject: name,
    details: { object: name },
  });
}

export function badRange(name: string, range: ByteRange, size: number): PantherError {
  return new PantherError('bad-range', `range ${range.offset}+${range.length} is outside object ${name} (${size} bytes)`, {
    subject: name,
  });
}

export function assertRange(range: ByteRange): void {
  if (!Number.isSafeInteger(range.offset) || range.offset < 0 || !Number.isSafeInteger(range.length) || range.length < 0) {
    throw new PantherError('bad-range', `invalid range ${range.offset}+${range.length}`);
  }
}

/**
 * A stage held in memory and stored with one put at commit: for backends with nowhere cheaper to
 * keep the pieces, and for wrappers, whose put (retries, rate limit, faults) must see the object.
 * The pieces are kept as handed over, and freed once stored.
 */
export class BufferedStage implements StagedPut {
  readonly #put: (name: string, data: PutData) => Promise<void>;
  #parts: Uint8Array[] | null = [];

  constructor(put: (name: string, data: PutData) => Promise<void>) {
    this.#put = put;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.#parts === null) throw spentStage();
    this.#parts.push(data);
  }

  async commit(name: string): Promise<void> {
    const parts = this.#parts;
    if (parts === null) throw spentStage();
    this.#parts = null;
    await this.#put(name, (async function* () { yield* parts; })());
    // Stored, and no backend keeps a put's buffers once it returned.
    for (const part of parts) release(part);
  }

  async abort(): Promise<void> {
    this.#parts = null;
  }
}

export function spentStage(): Error {
  return new Error('this staged object was already committed or aborted (a bug in its caller)');
}

/** Collects a put body into one buffer (memory backend, tests). */
export async function collect(data: PutData): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const parts: Uint8Array[] = [];
  for await (const part of data) parts.push(part);
  return Buffer.concat(parts);
}
