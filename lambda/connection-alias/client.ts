import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { boundByDeadline } from '../shared/bounded-client';
import { CLIENT_CONFIG } from '../shared/client-config';
import type { Deadline } from '../shared/deadline';
import { isError, isRetryableServiceError } from '../shared/errors';
import type { RequestContext } from '../shared/handler';
import { sleep } from '../shared/sleep';
import { DEFAULT_BACKOFF } from '../shared/time-budget';
import type { Owner, OwnershipKeys } from '../shared/ownership';
import { OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY, STACK_TAG_KEY } from '../../lib/private/validation';

/** One client per container, reused across invocations (Lambda keeps the module loaded between events). */
export const workspaces = new WorkSpacesClient(CLIENT_CONFIG);

/**
 * The WorkSpaces client for work that must end by `deadline`. A call whose SDK attempts all met throttling, a 5xx
 * or a dropped connection is sent again, with backoff, until the deadline: under sustained throttling (an
 * account whose other tools use up its request rate) eight attempts are soon spent, while the handler still has
 * minutes. Sending again is as safe as the SDK's own retries, which these errors already trigger. Every call is
 * still abandoned when the deadline passes (boundByDeadline).
 */
export function workspacesUntil(deadline: Deadline): WorkSpacesClient {
  const send = async (command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    let delay = DEFAULT_BACKOFF.initialDelayMs;
    for (;;) {
      try {
        return await workspaces.send(command, options);
      } catch (error) {
        if (!isRetryableServiceError(error) || options?.abortSignal?.aborted || deadline.remainingMs() < delay) {
          throw error;
        }
        await sleep(delay);
        delay = Math.min(DEFAULT_BACKOFF.maxDelayMs, delay * DEFAULT_BACKOFF.factor);
      }
    }
  };
  const persistent = new Proxy(workspaces, { get: (target, key, receiver) => (key === 'send' ? send : Reflect.get(target, key, receiver)) });
  return boundByDeadline(persistent, deadline);
}

/** The same context for work that must be done by `deadline` (its WorkSpaces calls bound by it too). */
export function connectionAliasContextUntil(ctx: ConnectionAliasContext, deadline: Deadline): ConnectionAliasContext {
  return { ...ctx, deadline, client: workspacesUntil(deadline) };
}

/** What the steps of one Custom::WorkSpacesConnectionAlias request share. */
export interface ConnectionAliasContext extends RequestContext<WorkSpacesClient> {
  /** This stack resource as an owner: an alias whose owner tag carries its marker is this resource's. */
  readonly owner: Owner;
}

/** WorkSpaces answers InvalidResourceStateException while an alias or association is still settling. */
export function isSettling(error: unknown): boolean {
  return isError(error, 'InvalidResourceStateException');
}

/** The tags that mark an alias as this library's. */
export const ALIAS_KEYS: OwnershipKeys = { owner: OWNER_TAG_KEY, stack: STACK_TAG_KEY, previousOwner: PREVIOUS_OWNER_TAG_KEY };
