import type { Deadline } from './deadline';
import { describeError } from './errors';
import { sleep } from './sleep';

/** How often to look again. Backs off so a slow transition costs a handful of calls, not hundreds. */
export interface Backoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/**
 * Quick first looks (most transitions settle within a second or two), then at most one call every 2 s:
 * a wait notices its end at most 2 s late, and a minute-long transition costs about 35 calls, not hundreds.
 */
export const DEFAULT_BACKOFF: Backoff = { initialDelayMs: 250, maxDelayMs: 2_000, factor: 1.5 };

/** One look at the resource: `done` ends the wait; `status` is quoted if the wait times out. */
export interface Probe<T> {
  readonly done: boolean;
  readonly value?: T;
  readonly status?: string;
}

/**
 * Calls `probe` until it reports done, sleeping with exponential backoff in between.
 * Throws, naming `what` and the last status seen, if `deadline` passes first.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<Probe<T>>,
  deadline: Deadline,
  backoff: Backoff = DEFAULT_BACKOFF,
): Promise<T> {
  const started = Date.now();
  let delay = backoff.initialDelayMs;
  for (;;) {
    const result = await probe();
    if (result.done) {
      return result.value as T;
    }
    if (deadline.remainingMs() < delay) {
      const seconds = Math.round((Date.now() - started) / 1000);
      throw new Error(`Timed out after ${seconds}s waiting for ${what} (last seen: ${result.status ?? 'unknown'})`);
    }
    await sleep(delay);
    delay = Math.min(backoff.maxDelayMs, delay * backoff.factor);
  }
}

/**
 * Calls `call`, retrying with backoff while it throws an error that `isTransient` accepts (a state that
 * settles, a lock that is released). The SDK already retries throttling and 5xx; this covers the
 * service-specific errors it cannot know are temporary. Past `deadline`, throws the service's last error.
 */
export async function retryWhileTransient<T>(
  what: string,
  call: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  deadline: Deadline,
  backoff: Backoff = DEFAULT_BACKOFF,
): Promise<T> {
  let delay = backoff.initialDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) {
        throw error;
      }
      if (deadline.remainingMs() < delay) {
        throw new Error(`${what} kept failing until its time ran out: ${describeError(error)}`, { cause: error });
      }
      await sleep(delay);
      delay = Math.min(backoff.maxDelayMs, delay * backoff.factor);
    }
  }
}

/**
 * Tolerates something Describe does not show yet, right after it was made (reads are eventually consistent;
 * Terraform's WorkSpaces waiter allows 20 misses), for a time rather than a number of looks, so that tuning the
 * poll schedule does not change how long a missing resource is given.
 */
export class NotFoundGrace {
  private missingSince?: number;

  public constructor(private readonly graceMs = 10_000) {}

  /** Call on each miss: true while the resource may still appear. */
  public stillPending(): boolean {
    this.missingSince ??= Date.now();
    return Date.now() - this.missingSince <= this.graceMs;
  }

  /** Call when it is seen: a later miss starts a new grace period. */
  public seen(): void {
    this.missingSince = undefined;
  }
}
