import type { LambdaContextLike } from './cloudformation';
import { Deadline } from './deadline';

/*
 * The time budget of one handler invocation: every limit the handlers observe, in one place.
 *
 * The Provider framework invokes the handler synchronously and reports whatever it returns or throws. A
 * handler that Lambda stops instead gives CloudFormation only "Task timed out" and no cleanup, so all work
 * ends early enough for the handler to fail with its own message. With a timeout T (the construct sets 10 min):
 *
 *   answer deadline = T - min(ANSWER_RESERVE_MS, 10 % of T)                 10 min: by 580 s
 *     Every wait, retry and SDK call ends by then; the rest is for logging and answering. The 10 % keeps the
 *     reserve proportionate when a test runs the handler with a short timeout.
 *
 *   work deadline   = answer deadline - min(undo reserve, 25 % of the time left until the answer deadline)
 *     A request that must undo what it made if it fails (a Create: the framework skips the Delete that
 *     follows a failed Create; a Connect Update: its rollback may read a lagging Describe) stops its own work
 *     by then, so the undo keeps its reserve. WorkSpaces undoes up to three asynchronous steps (disassociate,
 *     unshare, delete and wait): 120 s, by 460 s. Connect undoes one association: 60 s, by 520 s.
 *     The undo itself runs until the answer deadline and retries throttling and 5xx until then (retryServiceErrors).
 *
 * Inside a deadline:
 *   - Every SDK call is abandoned when the deadline passes (boundByDeadline). The SDK makes up to
 *     SDK_MAX_ATTEMPTS attempts with exponential backoff (up to 20 s apart) when throttled, which can take
 *     over a minute: more than the answer reserve.
 *   - Polls and retries of settling states back off per DEFAULT_BACKOFF, and stop when the next sleep would
 *     end past the deadline.
 *   - Connect's ResourceConflictException (a lock another change holds) is retried for CONFLICT_RETRY_MS.
 *   - Something Describe does not show yet right after it was made is given NOT_FOUND_GRACE_MS.
 */

/** Kept after the answer deadline for reporting (at most 10 % of the timeout). */
export const ANSWER_RESERVE_MS = 20_000;
/** Kept back from a WorkSpaces Create's work for undoing it (at most 25 %). */
export const WORKSPACES_UNDO_RESERVE_MS = 120_000;
/** Kept back from a Connect Create's or Update's work for undoing it (at most 25 %). */
export const CONNECT_UNDO_RESERVE_MS = 60_000;

/**
 * How long a Connect ResourceConflictException is retried. Connect locks both addresses while an alias
 * changes, so a concurrent change gets a 409 that clears in seconds; one that lasts longer is a real conflict
 * and should fail with the service's message, not eat the whole budget.
 */
export const CONFLICT_RETRY_MS = 60_000;

/**
 * Attempts the SDK makes per call. Its standard retry mode backs off on throttling, 5xx and dropped
 * connections; more than its default 3 rides out a throttled account.
 */
export const SDK_MAX_ATTEMPTS = 8;

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

/**
 * How long something just made may be missing from Describe (reads are eventually consistent; Terraform's
 * WorkSpaces waiter allows 20 misses). A time rather than a number of looks, so that tuning the poll
 * schedule does not change how long a missing resource is given.
 */
export const NOT_FOUND_GRACE_MS = 10_000;

/**
 * How long after a handler starts an AccessDeniedException is taken for IAM still propagating a statement
 * added in the same deployment, and the call sent again (see bounded-client.ts). IAM changes usually apply
 * within seconds; a denial that outlasts this is real and fails the request.
 */
export const IAM_PROPAGATION_GRACE_MS = 10_000;

/** The answer deadline of an invocation with `context`'s time left. */
export function answerDeadline(context: LambdaContextLike): Deadline {
  const remaining = context.getRemainingTimeInMillis();
  return new Deadline(Date.now() + Math.max(0, remaining - Math.min(ANSWER_RESERVE_MS, remaining / 10)));
}

/** The work deadline before `answerBy` that leaves `undoReserveMs` (at most a quarter) for an undo. */
export function workDeadline(answerBy: Deadline, undoReserveMs: number): Deadline {
  return answerBy.earlierBy(Math.min(undoReserveMs, answerBy.remainingMs() / 4));
}
