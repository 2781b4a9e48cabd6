// The stop signal for an upload that must end inside its window.
//
// Polled as well as timed: Node's timers run on the monotonic clock, which stands still during
// suspend, so after a laptop resumes past the window's end only a look at the wall clock notices.

/** An AbortSignal that fires once `clock()` (wall-clock ms) reaches `stopAt`; Infinity = never. */
export function stopWhen(clock: () => number, stopAt: number, pollMs = 1000): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (!Number.isFinite(stopAt)) return { signal: controller.signal, dispose: () => undefined };
  const check = (): void => { if (!controller.signal.aborted && clock() >= stopAt) controller.abort(new Error('backup window closing')); };
  const poll = setInterval(check, pollMs);
  const timer = setTimeout(check, Math.max(0, stopAt - clock()));
  return { signal: controller.signal, dispose: () => { clearInterval(poll); clearTimeout(timer); } };
}
