import { TimeRanOut } from './bounded-client';
import type { Deadline } from './deadline';
import { describeError, isRetryableServiceError } from './errors';
import { sleep } from './sleep';
import { type Backoff, DEFAULT_BACKOFF, NOT_FOUND_GRACE_MS } from './time-budget';

export { type Backoff, DEFAULT_BACKOFF } from './time-budget';

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
  const timedOut = (status: string | undefined) =>
    new Error(`Timed out after ${Math.round((Date.now() - started) / 1000)}s waiting for ${what} (last seen: ${status ?? 'unknown'})`);
  let delay = backoff.initialDelayMs;
  let last: Probe<T> | undefined;
  for (;;) {
    let result: Probe<T>;
    try {
      result = await probe();
    } catch (error) {
      // A look cut short by the deadline: what the wait was for says more than the call that was cut.
      throw error instanceof TimeRanOut && last !== undefined ? timedOut(last.status) : error;
    }
    if (result.done) {
      return result.value as T;
    }
    last = result;
    if (deadline.remainingMs() < delay) {
      throw timedOut(result.status);
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
 * Runs `call` again (from its start) after throttling, a 5xx or a dropped connection, until `deadline`:
 * for an undo, which must not give up when the SDK's own attempts run out while time is still reserved for
 * it. `call` must be safe to repeat (each step looks before it changes anything).
 */
export function retryServiceErrors<T>(what: string, call: () => Promise<T>, deadline: Deadline): Promise<T> {
  return retryWhileTransient(what, call, isRetryableServiceError, deadline);
}

/** A change that is made only when a fresh look says it is still needed. */
export interface LookThenChange {
  /** Looks at the resource: true if the change is still to be made. May throw to refuse. */
  readonly needed: () => Promise<boolean>;
  readonly change: () => Promise<unknown>;
}

/**
 * Looks, then changes only if still needed, and repeats both while `isTransient` accepts the error.
 * Looking again before every attempt is what makes the retry safe: after a lost response or a redelivered
 * request the change may already be made or under way, and services then refuse a second one with the same
 * error as a resource that is still settling. Returns true if the change was made by this call, false if
 * the last look found nothing to do.
 */
export function changeUnlessDone(
  what: string,
  step: LookThenChange,
  isTransient: (error: unknown) => boolean,
  deadline: Deadline,
): Promise<boolean> {
  return retryWhileTransient(
    what,
    async () => {
      if (!(await step.needed())) {
        return false;
      }
      await step.change();
      return true;
    },
    isTransient,
    deadline,
  );
}

/** Tolerates something Describe does not show yet, right after it was made, for NOT_FOUND_GRACE_MS. */
export class NotFoundGrace {
  private missingSince?: number;

  public constructor(private readonly graceMs = NOT_FOUND_GRACE_MS) {}

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
