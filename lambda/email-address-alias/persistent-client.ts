import type { ConnectClient } from '@aws-sdk/client-connect';
import { isRetryableServiceError } from '../shared/errors';
import { sleep } from '../shared/sleep';
import { DEFAULT_BACKOFF } from '../shared/time-budget';

/**
 * `client`, sending a call again after throttling or a 5xx once the SDK's own attempts are spent, until the
 * call is aborted (the bounded client aborts it at the request's deadline). Under sustained throttling eight
 * attempts can all be refused, and giving up then would fail a deployment that still has minutes to finish.
 * Safe for every Connect call the handler makes: reads, tag writes that set the same values, and the alias
 * changes, which carry a ClientToken. A call without an AbortSignal (no deadline) keeps the SDK's attempts only.
 */
export function persistentClient(client: ConnectClient): ConnectClient {
  const send = async (command: never, options?: { abortSignal?: AbortSignal }) => {
    let delay = DEFAULT_BACKOFF.initialDelayMs;
    for (;;) {
      try {
        return await (client.send as (c: never, o?: object) => Promise<unknown>)(command, options);
      } catch (error) {
        if (!isRetryableServiceError(error) || !options?.abortSignal || options.abortSignal.aborted) {
          throw error;
        }
        await sleep(delay);
        if (options?.abortSignal?.aborted) {
          throw error;
        }
        delay = Math.min(DEFAULT_BACKOFF.maxDelayMs, delay * DEFAULT_BACKOFF.factor);
      }
    }
  };
  return new Proxy(client, { get: (target, key, receiver) => (key === 'send' ? send : Reflect.get(target, key, receiver)) });
}
