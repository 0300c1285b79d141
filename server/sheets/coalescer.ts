/** Collects work per key for a short window and runs it as one batch. */
export interface Coalescer<T, R> {
  /** Queues `items` under `key`; resolves with their results once the batch holding them has run. */
  submit(key: string, items: readonly T[]): Promise<R[]>;
  /** Runs every queued batch now and waits for batches in flight. */
  flush(): Promise<void>;
}

export interface CoalescerOptions<T, R> {
  /** How long the first item of a batch waits for others. */
  readonly windowMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Runs one batch; returns one result per item, in order. Throwing fails every submission in the batch. */
  readonly run: (key: string, items: readonly T[]) => Promise<readonly R[]>;
}

interface Waiting<T, R> {
  readonly items: readonly T[];
  readonly resolve: (results: R[]) => void;
  readonly reject: (error: unknown) => void;
}

interface KeyState<T, R> {
  queue: Waiting<T, R>[];
  /** Bumped whenever a window starts or is cut short, so a stale timer runs nothing. */
  generation: number;
  waiting: boolean;
  running: Promise<void> | undefined;
}

/**
 * Per-key batching: the first submission for a key opens a window of `windowMs`; everything submitted for
 * that key until it closes runs as one batch. Batches of one key never overlap, so a later change is
 * written after an earlier one; submissions that arrive while a batch runs open the next window.
 */
export function createCoalescer<T, R>(options: CoalescerOptions<T, R>): Coalescer<T, R> {
  const states = new Map<string, KeyState<T, R>>();

  async function drain(key: string): Promise<void> {
    const state = states.get(key);
    if (!state) return;
    state.waiting = false;
    state.generation += 1;
    while (state.running) await state.running;
    const batch = state.queue.splice(0);
    if (batch.length === 0) return;
    state.running = runBatch(key, batch).finally(() => {
      state.running = undefined;
      if (state.queue.length === 0 && !state.waiting) states.delete(key);
    });
    await state.running;
  }

  async function runBatch(key: string, batch: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await options.run(
        key,
        batch.flatMap((entry) => entry.items),
      );
      let offset = 0;
      for (const entry of batch) {
        entry.resolve(results.slice(offset, offset + entry.items.length));
        offset += entry.items.length;
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  return {
    submit(key, items) {
      return new Promise<R[]>((resolve, reject) => {
        const state = states.get(key) ?? { queue: [], generation: 0, waiting: false, running: undefined };
        states.set(key, state);
        state.queue.push({ items, resolve, reject });
        if (state.waiting) return;
        state.waiting = true;
        state.generation += 1;
        const generation = state.generation;
        void options.sleep(options.windowMs).then(() => {
          if (states.get(key) === state && state.generation === generation) return drain(key);
        });
      });
    },
    async flush() {
      await Promise.all([...states.keys()].map((key) => drain(key)));
    },
  };
}
