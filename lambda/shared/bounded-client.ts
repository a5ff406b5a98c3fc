import type { Deadline } from './deadline';

/** What the handlers use of an AWS SDK v3 client. */
export interface SendsCommands {
  send(command: never, options?: never): Promise<unknown>;
}

/** Where a bound client keeps the client it wraps, so that a context can bind it to another deadline. */
const UNBOUND = Symbol('unbound client');

/**
 * `client`, with every call abandoned (its request aborted) when `deadline` passes. The SDK retries a
 * throttled call up to its maximum attempts with backoff, which can outlast the time the handler has left;
 * this bound is what lets the handler still answer CloudFormation itself.
 */
export function boundByDeadline<C extends SendsCommands>(client: C, deadline: Deadline): C {
  const unbound = ((client as unknown as Record<symbol, C>)[UNBOUND] ?? client) as C & { send: (...args: unknown[]) => Promise<unknown> };
  const send = (command: object, options?: object) =>
    callBefore(deadline, operationName(command), (abortSignal) => unbound.send(command, { ...options, abortSignal }));
  return new Proxy(unbound, {
    get: (target, key, receiver) => (key === 'send' ? send : key === UNBOUND ? target : Reflect.get(target, key, receiver)),
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

/** The API operation a command calls, e.g. 'DeleteConnectionAlias'. */
function operationName(command: object): string {
  // A bundle minifies class names, so the name comes from the command's operation schema when it has one.
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') {
    return schema[2];
  }
  return command.constructor.name.replace(/Command$/, '');
}
