// A fixed-window request budget per client address: enough to stop a token being guessed or the host
// being kept busy, with no state beyond one counter per address (entries expire with their window).
export interface RateLimiter {
  /** Seconds to wait when over the budget, or 0 when the request may go on. */
  take(client: string, nowMs: number): number;
}

export const MAX_CLIENTS = 10_000;

export function rateLimiter(perMinute: number, windowMs = 60_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(client, nowMs) {
      let w = windows.get(client);
      if (w === undefined || nowMs - w.start >= windowMs) {
        // Forget expired windows before the map could grow without bound.
        if (windows.size >= MAX_CLIENTS) for (const [k, v] of windows) if (nowMs - v.start >= windowMs) windows.delete(k);
        w = { start: nowMs, count: 0 };
        windows.set(client, w);
      }
      w.count += 1;
      return w.count <= perMinute ? 0 : Math.max(1, Math.ceil((w.start + windowMs - nowMs) / 1000));
    },
  };
}
