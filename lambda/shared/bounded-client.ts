import type { Deadline } from './deadline';
import { isError, isRetryableServiceError } from './errors';
import { sleep } from './sleep';
import { DEFAULT_BACKOFF, IAM_PROPAGATION_GRACE_MS } from './time-budget';

/** What the handlers use of an AWS SDK v3 client. */
export interface SendsCommands {
  send(command: never, options?: never): Promise<unknown>;
}

/** Where a bound client keeps the client it wraps, so that a context can bind it to another deadline. */
const UNBOUND = Symbol('unbound client');
/** Where a bound client keeps the start of its IAM propagation grace (undefined: denials are never retried). */
const GRACE_FROM = Symbol('IAM propagation grace from');

/** How a client is bound. */
export interface BoundClientOptions {
  /**
   * Send a call again after AccessDeniedException within IAM_PROPAGATION_GRACE_MS from now (bind at the start
   * of the handler). A client bound again from a bound one keeps the grace of the first binding.
   */
  readonly iamPropagationGrace?: boolean;
}

/**
 * `client`, with every call abandoned (its request aborted) when `deadline` passes, and sent again while it
 * meets throttling, a 5xx or a dropped connection after the SDK's own attempts are spent. The SDK retries a
 * throttled call up to its maximum attempts with backoff, which can outlast the time the handler has left;
 * this bound is what lets the handler still answer CloudFormation itself. Under sustained throttling (an
 * account whose other tools use up its request rate) eight attempts can all be refused while the handler still
 * has minutes, so the call is sent again until the next backoff step no longer fits before the deadline; then
 * the service's own error is reported.
 */
export function boundByDeadline<C extends SendsCommands>(client: C, deadline: Deadline, options: BoundClientOptions = {}): C {
  const unbound = ((client as unknown as Record<symbol, C>)[UNBOUND] ?? client) as C & { send: (...args: unknown[]) => Promise<unknown> };
  const graceFrom = options.iamPropagationGrace ? Date.now() : (client as unknown as Record<symbol, number | undefined>)[GRACE_FROM];
  const bounded = (command: object, sendOptions?: object) => resendWhileRetryable(deadline, () =>
    callBefore(deadline, operationName(command), (abortSignal) => unbound.send(command, { ...sendOptions, abortSignal })));
  const send = graceFrom === undefined
    ? bounded
    : (command: object, sendOptions?: object) => retryDeniedWhilePropagating(graceFrom, deadline, () => bounded(command, sendOptions));
  return new Proxy(unbound, {
    get: (target, key, receiver) =>
      key === 'send' ? send : key === UNBOUND ? target : key === GRACE_FROM ? graceFrom : Reflect.get(target, key, receiver),
  });
}

/** A call abandoned because the handler's time ran out (its message names the call). */
export class TimeRanOut extends Error {}

/**
 * Runs `call`, giving it an AbortSignal that fires at `deadline`; by then it fails, naming `what` and
 * saying that time ran out, whether or not the call honours the signal.
 */
export async function callBefore<T>(deadline: Deadline, what: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const remainingMs = deadline.remainingMs();
  if (remainingMs <= 0) {
    throw new TimeRanOut(`Time ran out before ${what}: the handler had no time left to call it`);
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeRanOut(`Time ran out during ${what}: no answer within the ${Math.round(remainingMs / 1000)}s the handler had left for it`));
      controller.abort();
    }, remainingMs);
    timer.unref();
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `call`, sending it again after an error the SDK itself retries (throttling, 5xx, a dropped connection)
 * while the next backoff step still fits before `deadline`. As safe as the SDK's own retries: the handlers' reads,
 * tag writes that set the same values, WorkSpaces changes they look before making, and Connect's alias changes,
 * which carry a ClientToken.
 */
async function resendWhileRetryable<T>(deadline: Deadline, call: () => Promise<T>): Promise<T> {
  let delay = DEFAULT_BACKOFF.initialDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableServiceError(error) || deadline.remainingMs() < delay) {
        throw error;
      }
      await sleep(delay);
      delay = Math.min(DEFAULT_BACKOFF.maxDelayMs, delay * DEFAULT_BACKOFF.factor);
    }
  }
}

/**
 * Runs `call`, sending it again after AccessDeniedException only while the handler is within
 * IAM_PROPAGATION_GRACE_MS of its start. IAM is eventually consistent: a statement CloudFormation added to
 * the handler's policy in this very deployment (a new instance or directory) can take a few seconds to be in
 * force, and the first calls of the request may be denied meanwhile. A real denial must still fail fast with
 * IAM's own message, so nothing is retried past the grace, and a denial later in the request fails at once.
 */
async function retryDeniedWhilePropagating<T>(startedAt: number, deadline: Deadline, call: () => Promise<T>): Promise<T> {
  let delay = DEFAULT_BACKOFF.initialDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const graceLeft = Math.min(startedAt + IAM_PROPAGATION_GRACE_MS - Date.now(), deadline.remainingMs());
      if (!isError(error, 'AccessDeniedException') || graceLeft < delay) {
        throw error;
      }
      await sleep(delay);
      delay = Math.min(DEFAULT_BACKOFF.maxDelayMs, delay * DEFAULT_BACKOFF.factor);
    }
  }
}

/** The API operation a command calls, e.g. 'DeleteConnectionAlias'. */
function operationName(command: object): string {
  // A bundle minifies class names, so the name comes from the command's operation schema when it has one.
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') {
    return schema[2];
  }
  return command.constructor.name.replace(/Command$/, '');
}
