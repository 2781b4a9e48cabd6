// A token bucket shared by every transfer in one direction: callers take bytes, in slices, and wait
// until the rate allows them. Takes are served in arrival order, so concurrent puts share the link
// instead of racing for it.
//
// The bucket holds at most `burstBytes` and starts empty: after any idle time a transfer may go
// ahead by one burst at most, so over a run of T seconds at most rate × T + burst bytes pass, and the
// average over the whole run cannot exceed the cap however the transfers are spaced. Waiting is
// "debt" based: a take subtracts first and sleeps off a negative balance, and the balance is
// refilled from the clock, so timer lateness never accumulates into a slower (or faster) rate.

export interface BucketClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: BucketClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucketOptions {
  bytesPerSecond: number;
  /** Most bytes handed out without waiting after idle time; also the largest single take. */
  burstBytes: number;
  clock?: BucketClock;
}

/** Slice size for a rate: ~1/16 s of transfer, between 1 KiB and 64 KiB, so the rate looks smooth. */
export function sliceBytesFor(bytesPerSecond: number): number {
  return Math.max(1024, Math.min(64 * 1024, Math.floor(bytesPerSecond / 16)));
}

export class TokenBucket {
  readonly bytesPerSecond: number;
  readonly burstBytes: number;
  readonly #clock: BucketClock;
  #tokens = 0;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!(options.bytesPerSecond > 0) || !(options.burstBytes >= 1)) throw new RangeError('token bucket needs a positive rate and burst');
    this.bytesPerSecond = options.bytesPerSecond;
    this.burstBytes = Math.floor(options.burstBytes);
    this.#clock = options.clock ?? realClock;
    this.#last = this.#clock.now();
  }

  /** Resolves when `bytes` may be sent. Takes larger than the burst are split. */
  take(bytes: number): Promise<void> {
    const turn = this.#queue.then(() => this.#takeInOrder(bytes));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #takeInOrder(bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      const piece = Math.min(left, this.burstBytes);
      left -= piece;
      this.#refill();
      this.#tokens -= piece;
      if (this.#tokens < 0) {
        await this.#clock.sleep((-this.#tokens / this.bytesPerSecond) * 1000);
      }
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.burstBytes, this.#tokens + ((now - this.#last) / 1000) * this.bytesPerSecond);
    this.#last = now;
  }
}
