// A handler's polling schedule as tests expect it, computed independently of the handler's own loop from
// the same Backoff figures, so that tuning the backoff needs no test edits.

/** The shape of lambda/shared/poll.ts's Backoff. */
export interface BackoffSchedule {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/** The sleeps of a wait or retry loop, in order: initialDelayMs x factor^n, capped at maxDelayMs. */
export function* backoffDelays(backoff: BackoffSchedule): Generator<number, never> {
  let delay = backoff.initialDelayMs;
  for (;;) {
    yield delay;
    delay = Math.min(backoff.maxDelayMs, delay * backoff.factor);
  }
}

/** The first `count` sleeps of one loop. */
export function backoffSleeps(backoff: BackoffSchedule, count: number): number[] {
  const sleeps: number[] = [];
  for (const delay of backoffDelays(backoff)) {
    if (sleeps.length === count) return sleeps;
    sleeps.push(delay);
  }
  throw new Error('unreachable: backoffDelays() never ends');
}

/** How long a loop sleeps before it gives up when it starts with `budgetMs` left: it stops when the next sleep would not fit. */
export function backoffGivesUpAfter(backoff: BackoffSchedule, budgetMs: number): number {
  let slept = 0;
  for (const delay of backoffDelays(backoff)) {
    if (budgetMs - slept < delay) return slept;
    slept += delay;
  }
  throw new Error('unreachable: backoffDelays() never ends');
}
