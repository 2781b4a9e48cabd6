// Test clock: virtual time that moves only when the test says so, with every timer fired in time
// order, so lock schedules (settle, refresh, expiry, back-off) are exact and reproducible.
import type { LockClock } from '../clock.ts';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Lets every promise continuation that is ready run (one macrotask drains all microtasks). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements LockClock {
  /** Wall time at virtual 0. */
  readonly epoch: number;
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(epoch = Date.parse('2026-11-24T02:00:00.000Z')) {
    this.epoch = epoch;
  }

  now(): number { return this.epoch + this.#now; }
  monotonic(): number { return this.#now; }
  /** Virtual milliseconds since the start. */
  get elapsed(): number { return this.#now; }
  get pending(): number { return this.#timers.length; }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) { reject(signal.reason); return; }
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** A view of this clock whose wall time is off by `offsetMs` (a host with a skewed clock). */
  skewed(offsetMs: number): LockClock {
    return { now: () => this.now() + offsetMs, monotonic: () => this.monotonic(), sleep: (ms, signal) => this.sleep(ms, signal) };
  }

  /** Runs every timer due up to now + ms, in order, letting the code each one wakes run in between. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await drain();
      let next: Timer | undefined;
      for (const t of this.#timers) if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
    }
    this.#now = target;
    await drain();
  }

  /** Advances until `promise` settles (or `limitMs` passes); returns its outcome. */
  async run<T>(promise: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
    let settled = false;
    promise.then(() => { settled = true; }, () => { settled = true; });
    const end = this.#now + limitMs;
    await drain();
    while (!settled && this.#now < end) {
      const due = this.#timers.reduce((min, t) => Math.min(min, t.at), Infinity);
      if (due === Infinity) break;
      await this.advance(Math.max(0, Math.min(due, end) - this.#now));
    }
    if (!settled) throw new Error(`promise still pending at virtual ${this.#now} ms with ${this.#timers.length} timer(s) left`);
    return promise;
  }
}
