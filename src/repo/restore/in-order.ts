// Runs an async step over a stream of items with up to `limit` of them started and not yet handed
// on, and hands the results on in the items' order whatever order the steps finish in. Items are
// pulled from the source in the background while the consumer holds a result, so the next steps
// run while the consumer works (restore: blobs open while the previous chunk is written).
//
// Errors keep their place: a failed step, or a source that throws, surfaces only after every item
// before it has been handed on, and nothing after it is. Memory is bounded by `limit` items, the
// one the consumer holds included.

export async function* inOrder<T, R>(source: AsyncIterator<T>, step: (item: T) => Promise<R>, limit: number): AsyncGenerator<R> {
  if (!(limit >= 1)) throw new Error(`inOrder: limit must be at least 1 (got ${limit})`);
  const queue: Array<Promise<R>> = [];
  let ended = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // `limit` counts the result being handed on (held until the consumer asks for the next).
  let holding = 0;

  const fill = async (): Promise<void> => {
    try {
      while (!ended && !stopped && queue.length + holding < limit) {
        const next = await source.next();
        if (next.done === true) { ended = true; break; }
        const result = step(next.value);
        // Handled where it is awaited, in order; this only keeps a step that fails after the consumer
        // stopped from becoming an unhandled rejection.
        result.catch(() => undefined);
        queue.push(result);
        wake?.();
      }
    } catch (error) {
      failure = { error };
      ended = true;
    }
  };
  // One fill at a time (the source is read by one caller at a time).
  const pull = (): void => {
    if (pulling !== undefined || ended || stopped || queue.length + holding >= limit) return;
    pulling = fill().finally(() => { pulling = undefined; wake?.(); });
  };

  try {
    for (;;) {
      holding = 0;
      pull();
      if (queue.length === 0) {
        if (ended) {
          if (failure !== undefined) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      const head = queue.shift()!;
      // Its slot stays taken until the consumer is done with it; the others refill at once.
      holding = 1;
      pull();
      yield await head;
    }
  } finally {
    stopped = true;
    // Not awaited: a pull in progress may wait on a slow read, and an async generator source closes
    // after it anyway. A source's failure to close must not hide the error that stopped us.
    Promise.resolve(source.return?.()).catch(() => undefined);
  }
}
