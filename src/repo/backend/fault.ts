// Test wrapper: a Backend that fails some calls, stores truncated objects or flips a byte on read,
// and counts what went through. Faults are decided by a seeded generator, so a failing trial can be
// replayed from its seed (kopia internal/blobtesting/faulty.go does the same for Go).
import { PantherError } from '../../core/errors.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { BufferedStage } from './backend.ts';
import { collect } from './backend.ts';
import { seededRandom } from '../../core/prng.ts';

export type FaultOp = 'put' | 'get' | 'head' | 'list' | 'delete';

export interface FaultCall {
  op: FaultOp;
  name: string;
  /** How many calls of this op came before (0 for the first). */
  index: number;
  /** Bytes stored by successful puts so far. */
  putBytes: number;
}

export interface FaultPlan {
  /** Fraction (0..1) of calls that throw before doing anything. */
  failRate?: number;
  /** Which operations failRate applies to; default all. */
  ops?: readonly FaultOp[];
  seed?: number;
  /** Throw on this call (checked before failRate). */
  failWhen?: (call: FaultCall) => boolean;
  /** put only: store the first half of the object under its real name, then throw. */
  truncateWhen?: (call: FaultCall) => boolean;
  /** get only: flip one bit of one returned byte. */
  flipWhen?: (call: FaultCall) => boolean;
}

export interface FaultStats {
  calls: Record<FaultOp, number>;
  putBytes: number;
  /** putBytes by the second segment of the name (`<host>/packs/…` → "packs"). */
  putBytesByKind: Record<string, number>;
  getBytes: number;
  injected: number;
}

export class FaultBackend implements Backend {
  readonly inner: Backend;
  readonly stats: FaultStats = { calls: { put: 0, get: 0, head: 0, list: 0, delete: 0 }, putBytes: 0, putBytesByKind: {}, getBytes: 0, injected: 0 };
  plan: FaultPlan;
  readonly #random: () => number;

  constructor(inner: Backend, plan: FaultPlan = {}) {
    this.inner = inner;
    this.plan = plan;
    this.#random = seededRandom(plan.seed ?? 1);
  }

  /** The wrapped store's. */
  get properties(): BackendProperties { return this.inner.properties; }

  sweepTemporaries(olderThanMs: number): Promise<number> { return this.inner.sweepTemporaries(olderThanMs); }

  #enter(op: FaultOp, name: string): FaultCall {
    const call = { op, name, index: this.stats.calls[op], putBytes: this.stats.putBytes };
    this.stats.calls[op] += 1;
    const rate = this.plan.failRate ?? 0;
    const applies = this.plan.ops === undefined || this.plan.ops.includes(op);
    if (this.plan.failWhen?.(call) === true || (applies && rate > 0 && this.#random() < rate)) {
      this.stats.injected += 1;
      throw injected(`${op} ${name}`);
    }
    return call;
  }

  /** Through this layer's put, so its faults hit staged objects too. */
  stage(): StagedPut {
    return new BufferedStage((name, data) => this.put(name, data));
  }

  async put(name: string, data: PutData): Promise<void> {
    const call = this.#enter('put', name);
    const bytes = await collect(data);
    if (this.plan.truncateWhen?.(call) === true) {
      this.stats.injected += 1;
      await this.inner.put(name, bytes.subarray(0, Math.floor(bytes.length / 2)));
      throw injected(`put ${name} (truncated)`);
    }
    await this.inner.put(name, bytes);
    this.stats.putBytes += bytes.length;
    const kind = name.split('/')[1] ?? '';
    this.stats.putBytesByKind[kind] = (this.stats.putBytesByKind[kind] ?? 0) + bytes.length;
  }

  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    const call = this.#enter('get', name);
    const bytes = await this.inner.get(name, range);
    this.stats.getBytes += bytes.length;
    if (bytes.length > 0 && this.plan.flipWhen?.(call) === true) {
      this.stats.injected += 1;
      const copy = Buffer.from(bytes);
      const at = Math.floor(this.#random() * copy.length);
      copy[at] = copy[at]! ^ (1 << Math.floor(this.#random() * 8));
      return copy;
    }
    return bytes;
  }

  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    yield await this.get(name, range);
  }

  async head(name: string): Promise<number | null> {
    this.#enter('head', name);
    return this.inner.head(name);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    this.#enter('list', prefix);
    yield* this.inner.list(prefix);
  }

  async delete(name: string): Promise<void> {
    this.#enter('delete', name);
    await this.inner.delete(name);
  }
}

export function injected(what: string): PantherError {
  return new PantherError('injected-fault', `injected fault: ${what}`, { subject: what });
}

export function isInjectedFault(error: unknown): boolean {
  return error instanceof PantherError && error.code === 'injected-fault';
}
