// Runs an async step over a stream of items with up to `limit` of them started and not yet handed
// on, and hands the results on in the items' order whatever order the steps finish in. Items are
// pulled from the source in the background while the consumer holds a result, so the next steps
// run while the consumer works (restore: blobs open while the previous chunk is written).
//
// Errors keep their place: a failed step, or a source that throws, surfaces only after every item
// before it has been handed on, and nothing after it is. Memory is bounded by `limit` items, the
// one the consumer holds included, and optionally by their weight (restore: bytes, since one chunk
// may be 8 MiB and the next 512 KiB).

export interface InOrderLimits<T> {
  /** Items started and not yet handed on, the one the consumer holds included. */
  count: number;
  /**
   * The same items' total weight (`of` each) may not pass `max`, except that one item is always
   * stepped besides the one the consumer holds, however heavy: an item heavier than the budget
   * still goes through, only alone.
   */
  weight?: { of: (item: T) => number; max: number };
}

export async function* inOrder<T, R>(source: AsyncIterator<T>, step: (item: T) => Promise<R>, limits: number | InOrderLimits<T>): AsyncGenerator<R> {
  const { count: limit, weight } = typeof limits === 'number' ? { count: limits, weight: undefined } : limits;
  if (!(limit >= 1)) throw new Error(`inOrder: limit must be at least 1 (got ${limit})`);
  const queue: Array<{ result: Promise<R>; weight: number }> = [];
  let ended = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // `limit` counts the result being handed on (held until the consumer asks for the next).
  let holding = 0;
  let heldWeight = 0;
  let queuedWeight = 0;
  // Pulled from the source but over the weight budget: started once enough is handed on.
  let waiting: { item: T; weight: number } | undefined;

  const fits = (w: number): boolean => weight === undefined || queue.length === 0 || queuedWeight + heldWeight + w <= weight.max;
  const room = (): boolean => !stopped && queue.length + holding < limit && (waiting === undefined ? !ended : fits(waiting.weight));

  const fill = async (): Promise<void> => {
    try {
      while (room()) {
        let next = waiting;
        if (next === undefined) {
          const pulled = await source.next();
          if (pulled.done === true) { ended = true; break; }
          next = { item: pulled.value, weight: weight === undefined ? 0 : weight.of(pulled.value) };
          if (stopped) break;
          if (!fits(next.weight)) { waiting = next; break; }
        }
        waiting = undefined;
        const result = step(next.item);
        // Handled where it is awaited, in order; this only keeps a step that fails after the consumer
        // stopped from becoming an unhandled rejection.
        result.catch(() => undefined);
        queue.push({ result, weight: next.weight });
        queuedWeight += next.weight;
        wake?.();
      }
    } catch (error) {
      failure = { error };
      ended = true;
    }
  };
  // One fill at a time (the source is read by one caller at a time).
  const pull = (): void => {
    if (pulling !== undefined || !room()) return;
    pulling = fill().finally(() => { pulling = undefined; wake?.(); });
  };

  try {
    for (;;) {
      holding = 0;
      heldWeight = 0;
      pull();
      if (queue.length === 0) {
        if (ended && waiting === undefined) {
          if (failure !== undefined) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      const head = queue.shift()!;
      queuedWeight -= head.weight;
      // Its slot (and weight) stays taken until the consumer is done with it; the others refill at once.
      holding = 1;
      heldWeight = head.weight;
      pull();
      yield await head.result;
    }
  } finally {
    stopped = true;
    // Not awaited: a pull in progress may wait on a slow read, and an async generator source closes
    // after it anyway. A source's failure to close must not hide the error that stopped us.
    Promise.resolve(source.return?.()).catch(() => undefined);
  }
}
