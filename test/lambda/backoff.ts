// The handlers' polling schedule as the tests expect it: testkit's backoff arithmetic, bound to the handlers'
// DEFAULT_BACKOFF so that tuning the backoff (lambda/shared/time-budget.ts) needs no test edits.
import { DEFAULT_BACKOFF } from '../../lambda/shared/time-budget';
import * as schedule from '../../testkit/clock/backoff';

/** The sleeps of a wait or retry loop with the handler's backoff, in order. */
export const backoffDelays = () => schedule.backoffDelays(DEFAULT_BACKOFF);

/** The first `count` sleeps of one wait or retry loop, as jest.mocked(sleep).mock.calls lists them. */
export const backoffSleeps = (count: number): number[][] => schedule.backoffSleeps(DEFAULT_BACKOFF, count).map((delay) => [delay]);

/** How long a loop with the handler's backoff sleeps before it gives up when it starts with `budgetMs` left. */
export const backoffGivesUpAfter = (budgetMs: number) => schedule.backoffGivesUpAfter(DEFAULT_BACKOFF, budgetMs);
