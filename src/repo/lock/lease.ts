// One lock object and the lease it carries: written once, rewritten every refreshMs with a new
// expiry, deleted on release. The holder trusts the lease only until `stopMarginMs` before it ends
// by its own clocks, counted from the START of the last write that completed in time — so whatever
// another process reads from the object, the holder has stopped before that reader may call it
// expired (docs/FORMAT.md §6.5). A lease that lapses stays lapsed: a refresh landing late does not
// revive it, because a reader may already have judged the old body expired.
import { PantherError } from '../../core/errors.ts';
import type { Backend } from '../backend/backend.ts';
import type { LockClock } from './clock.ts';
import type { LockParams } from './params.ts';
import type { LockContent, LockKind } from './lock-object.ts';
import { encodeLock, LOCK_FORMAT, LOCK_VERSION, lockName, parseLockName } from './lock-object.ts';
import type { LockEntry } from './observe.ts';
import { observeLocks } from './observe.ts';
import { conflicts } from './decide.ts';
import { describeLock, lockLost } from './errors.ts';

// The watchdog looks at both clocks at least this often: the monotonic clock (and with it every
// timer) stands still while the machine sleeps, so only a look at the wall clock notices a
// suspend that outlasted the lease.
const WATCHDOG_TICK_MS = 1000;

export type LockEvent =
  | { type: 'waiting'; blocker: LockEntry; reason: string }
  | { type: 'withdrawn'; reason: string; blocker?: LockEntry }
  | { type: 'stale-removed'; lock: LockEntry }
  | { type: 'observe-failed'; error: unknown }
  | { type: 'refresh-failed'; error: unknown }
  | { type: 'lost'; error: PantherError }
  | { type: 'release-failed'; error: unknown };

export interface LeaseContext {
  backend: Backend;
  host: string;
  kind: LockKind;
  holder: string;
  hostname: string;
  pid: number;
  clock: LockClock;
  params: LockParams;
  nonce: string;
  onEvent: (event: LockEvent) => void;
}

export interface LockInfo {
  name: string;
  host: string;
  kind: LockKind;
  holder: string;
  hostname: string;
  pid: number;
  created: string;
  acquired: string | null;
  /** Expiry written by the last completed refresh. */
  expires: string;
}

/** A held repository lock. Stop the work when `signal` aborts; call release() after it stopped. */
export interface RepoLock {
  readonly info: LockInfo;
  /** Aborts (reason: PantherError `lock-lost`) stopMarginMs before the lease would run out, or on release. */
  readonly signal: AbortSignal;
  /** Throws `lock-lost` unless the lease is still good by both clocks. Synchronous: call it before each step. */
  check(): void;
  /** check(), plus a fresh listing: own object present, no conflicting lock claims to be held. */
  verify(): Promise<void>;
  /** Stops refreshing, waits for a refresh in flight, deletes the object. Never rejects. */
  release(): Promise<void>;
}

export class Lease {
  readonly name: string;
  readonly kind: LockKind;
  readonly order: string;
  readonly #ctx: LeaseContext;
  #content: LockContent;
  #state: 'waiting' | 'held' = 'waiting';
  #acquired: string | null = null;
  #written = false;
  #deadlineMono = -Infinity;
  #deadlineWall = -Infinity;
  #lastWriteMono = 0;
  #lastError: unknown;
  #lapsed: PantherError | undefined;
  #stopping = false;
  #released: Promise<void> | undefined;
  #chain: Promise<void> = Promise.resolve();
  readonly #loops = new AbortController();
  readonly #public = new AbortController();

  private constructor(ctx: LeaseContext) {
    this.#ctx = ctx;
    const createdMs = ctx.clock.now();
    this.name = lockName(ctx.host, ctx.kind, createdMs, ctx.nonce);
    this.order = parseLockName(ctx.host, this.name)!.order;
    this.kind = ctx.kind;
    const created = new Date(createdMs).toISOString();
    this.#content = {
      format: LOCK_FORMAT, version: LOCK_VERSION, host: ctx.host, kind: ctx.kind, holder: ctx.holder,
      hostname: ctx.hostname, pid: ctx.pid, nonce: ctx.nonce, created, state: 'waiting', acquired: null,
      refreshed: created, expires: created, seq: 0, leaseMs: ctx.params.leaseMs,
    };
  }

  /** Writes the object (state waiting) and starts refreshing it. */
  static async create(ctx: LeaseContext): Promise<Lease> {
    const lease = new Lease(ctx);
    try {
      await lease.#write();
    } catch (error) {
      // The PUT may have landed even though it failed for us (lost response): take it back.
      lease.#stopping = true;
      await ctx.backend.delete(lease.name).catch(() => undefined);
      throw error;
    }
    void lease.#refreshLoop();
    void lease.#watchdog();
    return lease;
  }

  /** The lease is good now by both clocks and has never lapsed. */
  alive(): boolean {
    if (this.#lapsed !== undefined || !this.#written) return false;
    return this.#ctx.clock.monotonic() < this.#deadlineMono && this.#ctx.clock.now() < this.#deadlineWall;
  }

  get lapseError(): PantherError | undefined { return this.#lapsed; }

  async markHeld(): Promise<void> {
    this.#state = 'held';
    this.#acquired = new Date(this.#ctx.clock.now()).toISOString();
    await this.#write();
  }

  #write(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#lapsed !== undefined) throw this.#lapsed;
      const { clock, params, backend } = this.#ctx;
      const wall = clock.now();
      const mono = clock.monotonic();
      const content: LockContent = {
        ...this.#content, state: this.#state, acquired: this.#acquired, seq: this.#content.seq + 1,
        refreshed: new Date(wall).toISOString(), expires: new Date(wall + params.leaseMs).toISOString(),
      };
      this.#lastWriteMono = mono;
      await backend.put(this.name, encodeLock(content));
      // Only a write that completed while the lease was still good extends it (see the top).
      if (this.#written && !this.alive()) {
        this.#lapse('a refresh completed only after the lease had run out');
        throw this.#lapsed;
      }
      this.#content = content;
      this.#written = true;
      this.#deadlineMono = mono + params.leaseMs - params.stopMarginMs;
      this.#deadlineWall = wall + params.leaseMs - params.stopMarginMs;
    };
    const result = this.#chain.then(run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  async #refreshLoop(): Promise<void> {
    const { clock, params } = this.#ctx;
    let retry = false;
    while (!this.#stopping && this.#lapsed === undefined) {
      const wait = retry ? params.pollMs : this.#lastWriteMono + params.refreshMs - clock.monotonic();
      try {
        await clock.sleep(Math.max(0, wait), this.#loops.signal);
      } catch {
        return;
      }
      if (this.#stopping || this.#lapsed !== undefined) return;
      try {
        await this.#write();
        retry = false;
      } catch (error) {
        if (this.#stopping || this.#lapsed !== undefined) return;
        this.#lastError = error;
        this.#ctx.onEvent({ type: 'refresh-failed', error });
        retry = true;
      }
    }
  }

  async #watchdog(): Promise<void> {
    const { clock } = this.#ctx;
    while (!this.#stopping && this.#lapsed === undefined) {
      const remaining = Math.min(this.#deadlineMono - clock.monotonic(), this.#deadlineWall - clock.now());
      if (remaining <= 0) {
        this.#lapse();
        return;
      }
      try {
        await clock.sleep(Math.min(remaining, WATCHDOG_TICK_MS), this.#loops.signal);
      } catch {
        return;
      }
    }
  }

  #lapse(why?: string): void {
    if (this.#lapsed !== undefined || this.#stopping) return;
    const last = this.#lastError === undefined ? '' : ` (last error: ${(this.#lastError as Error).message ?? String(this.#lastError)})`;
    const reason = why ?? `no refresh succeeded in time; the last one began at ${this.#content.refreshed}${last}`;
    this.#lapsed = lockLost(this.name, reason);
    this.#loops.abort();
    this.#public.abort(this.#lapsed);
    this.#ctx.onEvent({ type: 'lost', error: this.#lapsed });
  }

  check(): void {
    if (this.#lapsed !== undefined) throw this.#lapsed;
    if (this.#stopping) throw lockLost(this.name, 'it was released');
    if (!this.alive()) {
      this.#lapse();
      throw this.#lapsed!;
    }
  }

  async verify(): Promise<void> {
    this.check();
    const { backend, host, clock, params } = this.#ctx;
    const observed = await observeLocks(backend, host, {
      clock, params, removeExpired: false, own: this.name, ...(this.kind === 'exclusive' ? {} : { readKinds: ['exclusive'] as const }),
    });
    if (!observed.some((e) => e.name === this.name)) {
      this.#lapse('its object is gone from the backend (removed by "unlock --force"?)');
      throw this.#lapsed!;
    }
    const rival = observed.find((e) => e.name !== this.name && e.status === 'live' && e.content?.state === 'held' && conflicts(this.kind, e.kind));
    if (rival !== undefined) {
      this.#lapse(`${describeLock(rival)} claims a conflicting lock: an assumption of docs/FORMAT.md §6.4 does not hold`);
      throw this.#lapsed!;
    }
    this.check();
  }

  release(): Promise<void> {
    this.#released ??= (async () => {
      this.#stopping = true;
      this.#loops.abort();
      if (!this.#public.signal.aborted) {
        this.#public.abort(new PantherError('lock-released', `repository lock ${this.name} was released`, { subject: this.name }));
      }
      // A refresh still in flight would recreate the object after our delete: let it land first.
      await this.#chain;
      try {
        await this.#ctx.backend.delete(this.name);
      } catch (error) {
        this.#ctx.onEvent({ type: 'release-failed', error });
      }
    })();
    return this.#released;
  }

  handle(): RepoLock {
    const info = (): LockInfo => ({
      name: this.name, host: this.#ctx.host, kind: this.kind, holder: this.#ctx.holder, hostname: this.#ctx.hostname,
      pid: this.#ctx.pid, created: this.#content.created, acquired: this.#acquired, expires: this.#content.expires,
    });
    return {
      get info() { return info(); },
      signal: this.#public.signal,
      check: () => this.check(),
      verify: () => this.verify(),
      release: () => this.release(),
    };
  }
}
