import { ConnectClient } from '@aws-sdk/client-connect';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { boundByDeadline } from '../shared/bounded-client';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from '../shared/cloudformation';
import { CLIENT_CONFIG } from '../shared/client-config';
import { describeError } from '../shared/errors';
import { runHandler, until } from '../shared/handler';
import { retryServiceErrors } from '../shared/poll';
import { CONNECT_UNDO_RESERVE_MS, workDeadline } from '../shared/time-budget';
import {
  associate,
  disassociate,
  type EmailAliasContext,
  ensureAssociated,
  ensureDisassociated,
  waitUntilAssociated,
  waitUntilDisassociated,
} from './association';
import { clientToken } from './client-token';
import {
  type AliasPair,
  dataOf,
  pairFromPhysicalId,
  parseProperties,
  physicalIdOf,
  samePair,
  tryParseProperties,
} from './properties';

// One client per container: reused across invocations. Region and endpoint come from the environment.
const connect = new ConnectClient(CLIENT_CONFIG);

/** onEvent handler of Custom::ConnectEmailAddressAlias for the custom-resources Provider framework. */
export function handler(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  return runHandler<EmailAliasContext>(event, context, {
    context: (base) => ({
      ...base,
      client: boundByDeadline(connect, base.deadline),
      token: (operation, pair) => clientToken(event, operation, pair),
    }),
    onCreate,
    onUpdate,
    onDelete,
  });
}

/** Associates the pair (or finds it already associated by an earlier delivery of this request). */
async function onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  const pair = parseProperties(event.ResourceProperties);
  const work = until(ctx, workDeadline(ctx.deadline, CONNECT_UNDO_RESERVE_MS));
  let associated = false;
  try {
    associated = await associate(work, pair);
    if (associated) {
      await waitUntilAssociated(work, pair);
    }
  } catch (error) {
    // A failed Create gets the framework's marker id and the Delete that follows is skipped: an association
    // this request made must go now, or it outlives the stack.
    throw associated ? await undoCreate(ctx, pair, error) : error;
  }
  return { PhysicalResourceId: physicalIdOf(pair), Data: dataOf(pair) };
}

/**
 * Moves the association to the new pair. An address has at most one alias and aliases cannot chain, so the
 * old association goes first. A rollback Update arrives with the old properties as the desired ones, so the
 * same steps restore the old association.
 */
async function onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  const desired = parseProperties(event.ResourceProperties);
  // Old properties that fail validation were never associated by this handler: nothing to remove. Throwing
  // here would fail the rollback of an Update that was rejected for invalid properties.
  const old = tryParseProperties(event.OldResourceProperties);
  if (old !== undefined && samePair(old, desired)) {
    // Same association (perhaps written as ARNs instead of ids): re-check it, which also repairs drift,
    // and keep the physical id so CloudFormation does not delete anything.
    await ensureAssociated(ctx, desired);
    return { PhysicalResourceId: event.PhysicalResourceId, Data: dataOf(desired) };
  }
  if (old === undefined) {
    ctx.log('Old properties are not a valid pair; nothing to remove');
    await ensureAssociated(ctx, desired);
  } else {
    await moveAssociation(ctx, old, desired);
  }
  // A new physical id makes CloudFormation send a Delete for the old one after the stack update succeeds;
  // that Delete finds the old alias gone and leaves the new association alone.
  return { PhysicalResourceId: physicalIdOf(desired), Data: dataOf(desired) };
}

/** Removes the association this resource made, if it is still there. */
async function onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  // The physical id records exactly what we associated; the properties are a fallback for other id forms.
  const pair = pairFromPhysicalId(event.PhysicalResourceId) ?? tryParseProperties(event.ResourceProperties);
  if (pair === undefined) {
    // Invalid properties never got past validation, so there is no association to remove; failing
    // would only block the stack's deletion.
    ctx.log('Neither the physical id nor the properties name a valid pair; nothing to remove');
  } else {
    await ensureDisassociated(ctx, pair);
  }
  // The framework refuses a Delete that changes the physical id.
  return { PhysicalResourceId: event.PhysicalResourceId };
}

/** What a failed move changed before it failed. */
interface MoveDone {
  readonly removed: boolean;
  readonly associated: boolean;
}

/**
 * Replaces the old association with the desired one. If that fails, it puts back what it changed before
 * reporting: the rollback Update that follows may read a Describe that lags this request's own writes, and
 * would then take the old association for present when it is not.
 */
async function moveAssociation(ctx: EmailAliasContext, old: AliasPair, desired: AliasPair): Promise<void> {
  const work = until(ctx, workDeadline(ctx.deadline, CONNECT_UNDO_RESERVE_MS));
  let removed = false;
  let associated = false;
  try {
    removed = await disassociate(work, old);
    if (removed) {
      await waitUntilDisassociated(work, old);
    }
    associated = await associate(work, desired);
    if (associated) {
      await waitUntilAssociated(work, desired);
    }
  } catch (error) {
    throw removed || associated ? await undoUpdate(ctx, old, desired, { removed, associated }, error) : error;
  }
}

/**
 * Puts back what a failed update changed and returns the error to report, saying whether that worked.
 * Throttling and 5xx are retried until the answer deadline: the undo's reserve exists for exactly this.
 */
async function undoUpdate(ctx: EmailAliasContext, old: AliasPair, desired: AliasPair, done: MoveDone, error: unknown): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('Undoing the failed update', { old, desired, reason });
    await retryServiceErrors(
      'the undo',
      async () => {
        if (done.associated) {
          await ensureDisassociated(ctx, desired, true);
        }
        if (done.removed) {
          // This request removed it, whatever a lagging Describe still shows.
          await ensureAssociated(ctx, old, true);
        }
      },
      ctx.deadline,
    );
    return new Error(`${reason} (the previous association was restored)`);
  } catch (undoError) {
    return new Error(`${reason}. Restoring the previous association also failed: ${describeError(undoError)}`);
  }
}

/** Removes the association a failed Create made and returns the error to report, saying whether that worked. */
async function undoCreate(ctx: EmailAliasContext, pair: AliasPair, error: unknown): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('Undoing the failed create', { ...pair, reason });
    await retryServiceErrors('the undo', () => ensureDisassociated(ctx, pair, true), ctx.deadline);
    return new Error(`${reason} (the association made for this request was removed again)`);
  } catch (undoError) {
    return new Error(
      `${reason}. Removing the association again also failed: ${describeError(undoError)}. ` +
      'The next deployment of this resource finds it and keeps it; or disassociate it by hand.',
    );
  }
}
