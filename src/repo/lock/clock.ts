// Time for the lock, as a parameter (house-style §3): tests drive a fake clock, production reads
// the system's. Two clocks, because they fail differently: the wall clock is what other hosts can
// compare (expiry in lock objects) but may be skewed or stepped; the monotonic clock never jumps
// but (CLOCK_MONOTONIC, what Node's timers and performance.now use) stops while the machine is
// suspended — so a holder trusts its lease only while BOTH say it lasts.
export interface LockClock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Milliseconds on a clock that never goes back. */
  monotonic(): number;
  /** Resolves after `ms` of monotonic time; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: LockClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) { reject(signal.reason); return; }
    const onAbort = (): void => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  }),
};
