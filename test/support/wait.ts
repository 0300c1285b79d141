import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /**
   * The bound, generous for a loaded CI machine (the whole suite shares two cores); the waits in this
   * suite end in about a second on an idle one.
   */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** More to say when the wait times out, such as a child process's stderr. */
  readonly context?: () => string;
}

/**
 * Polls `probe` until it returns something other than `undefined` or `false`, and returns that. The
 * companion's workers and webhooks run on their own, so tests wait for an effect instead of advancing a
 * clock.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what = 'the condition',
  options: WaitOptions = {},
): Promise<T> {
  const end = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) {
      const context = options.context?.();
      throw new Error(`timed out waiting for ${what}${context ? `\n${context}` : ''}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
