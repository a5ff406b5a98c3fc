// The handlers' polling schedule as the tests expect it, derived from DEFAULT_BACKOFF so that tuning the
// backoff (lambda/shared/poll.ts) needs no test edits. Computed here independently of pollUntil's loop.
import { type Backoff, DEFAULT_BACKOFF } from '../../lambda/shared/poll';

/** The sleeps of a wait or retry loop with the handler's backoff, in order: initialDelayMs x factor^n, capped at maxDelayMs. */
export function* backoffDelays(backoff: Backoff = DEFAULT_BACKOFF): Generator<number, never> {
  let delay = backoff.initialDelayMs;
  for (;;) {
    yield delay;
    delay = Math.min(backoff.maxDelayMs, delay * backoff.factor);
  }
}

/** The first `count` sleeps of one wait or retry loop, as jest.mocked(sleep).mock.calls lists them. */
export function backoffSleeps(count: number): number[][] {
  const sleeps: number[][] = [];
  for (const delay of backoffDelays()) {
    if (sleeps.length === count) {
      return sleeps;
    }
    sleeps.push([delay]);
  }
  throw new Error('unreachable: backoffDelays() never ends');
}

/**
 * How long a wait or retry loop with the handler's backoff sleeps before it gives up when it starts with
 * `budgetMs` left: it stops as soon as the next sleep would not fit.
 */
export function backoffGivesUpAfter(budgetMs: number): number {
  let slept = 0;
  for (const delay of backoffDelays()) {
    if (budgetMs - slept < delay) {
      return slept;
    }
    slept += delay;
  }
  throw new Error('unreachable: backoffDelays() never ends');
}
