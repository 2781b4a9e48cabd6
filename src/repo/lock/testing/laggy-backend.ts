// Test backend for lock schedules: a MemoryBackend seen through a network with latency, stalls and
// failures, and listings that lag — a newly created object may be missing from a listing, and a
// just-deleted one may still be in it, for up to `listLagMs` after the change. Every delay runs on
// the FakeClock, and every random choice comes from the seeded generator, so a schedule replays.
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from '../../backend/backend.ts';
import { BufferedStage } from '../../backend/backend.ts';
import { collect } from '../../backend/backend.ts';
import { MemoryBackend } from '../../backend/memory.ts';
import type { FakeClock } from './fake-clock.ts';
import { seededRandom } from '../../../core/prng.ts';

export interface LagPlan {
  /** Each operation takes effect after 0..latencyMs and returns 0..latencyMs after that. */
  latencyMs: number;
  /** Fraction of operations that stall for stallMs before taking effect (a slow request). */
  stallRate: number;
  stallMs: number;
  /** Fraction of operations that fail (half before, half after taking effect: a lost response). */
  failRate: number;
  /** How long after creation (or deletion) a listing may still show the old state. */
  listLagMs: number;
  /** Chance that a listing within the lag shows the old state. */
  lagChance: number;
}

export const NO_LAG: LagPlan = { latencyMs: 0, stallRate: 0, stallMs: 0, failRate: 0, listLagMs: 0, lagChance: 0 };

/** The project's seeded generator (core/prng.ts). */
export const seeded = (seed: number): (() => number) => seededRandom(seed);

export class SimulatedFailure extends Error {
  constructor(what: string) { super(`simulated failure: ${what}`); this.name = 'SimulatedFailure'; }
}

export class LaggyStore {
  readonly inner = new MemoryBackend();
  readonly clock: FakeClock;
  readonly random: () => number;
  plan: LagPlan;
  /** Virtual time of the last creation / deletion of each name. */
  readonly #created = new Map<string, number>();
  readonly #deleted = new Map<string, number>();

  constructor(clock: FakeClock, random: () => number, plan: LagPlan) {
    this.clock = clock;
    this.random = random;
    this.plan = plan;
  }

  /** A connection to the store for one simulated process; `kill()` makes its future calls fail. */
  connect(): LaggyBackend {
    return new LaggyBackend(this);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    const existed = (await this.inner.head(name)) !== null;
    await this.inner.put(name, bytes);
    if (!existed) this.#created.set(name, this.clock.elapsed);
  }

  async delete(name: string): Promise<void> {
    if ((await this.inner.head(name)) !== null) this.#deleted.set(name, this.clock.elapsed);
    await this.inner.delete(name);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const now = this.clock.elapsed;
    const lagging = (at: number | undefined): boolean => at !== undefined && now - at < this.plan.listLagMs && this.random() < this.plan.lagChance;
    const out: ObjectInfo[] = [];
    for await (const info of this.inner.list(prefix)) if (!lagging(this.#created.get(info.name))) out.push(info);
    for (const [name, at] of this.#deleted) {
      if (name.startsWith(prefix) && (await this.inner.head(name)) === null && lagging(at)) out.push({ name, size: 0 });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

export class LaggyBackend implements Backend {
  // Listings lag behind writes: exactly what the lock's settle delay is for.
  readonly properties: BackendProperties = Object.freeze({ kind: 'memory', listAfterWriteConsistent: false, sweepsTemporaries: false, remote: true });
  readonly store: LaggyStore;
  #dead = false;

  constructor(store: LaggyStore) {
    this.store = store;
  }

  /** The process died: calls from now on fail; calls in flight still take effect (as on a real network). */
  kill(): void {
    this.#dead = true;
  }

  async #op<T>(what: string, effect: () => Promise<T>): Promise<T> {
    if (this.#dead) throw new SimulatedFailure(`${what} from a dead process`);
    const { clock, random, plan } = this.store;
    const stall = random() < plan.stallRate ? plan.stallMs : 0;
    await clock.sleep(random() * plan.latencyMs + stall);
    const fail = random() < plan.failRate ? (random() < 0.5 ? 'before' : 'after') : undefined;
    if (fail === 'before') throw new SimulatedFailure(what);
    const result = await effect();
    await clock.sleep(random() * plan.latencyMs);
    if (fail === 'after') throw new SimulatedFailure(`${what} (response lost)`);
    return result;
  }

  stage(): StagedPut {
    return new BufferedStage((name, data) => this.put(name, data));
  }

  async put(name: string, data: PutData): Promise<void> {
    const bytes = await collect(data);
    await this.#op(`put ${name}`, () => this.store.put(name, bytes));
  }

  get(name: string, range?: ByteRange): Promise<Uint8Array> {
    return this.#op(`get ${name}`, () => this.store.inner.get(name, range));
  }

  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    yield await this.get(name, range);
  }

  head(name: string): Promise<number | null> {
    return this.#op(`head ${name}`, () => this.store.inner.head(name));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* await this.#op(`list ${prefix}`, () => this.store.list(prefix));
  }

  async delete(name: string): Promise<void> {
    await this.#op(`delete ${name}`, () => this.store.delete(name));
  }

  async sweepTemporaries(): Promise<number> {
    return 0;
  }
}
