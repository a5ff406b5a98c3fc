import { ConnectClient } from '@aws-sdk/client-connect';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from '../shared/cloudformation';
import { CLIENT_CONFIG } from '../shared/client-config';
import { Deadline } from '../shared/deadline';
import { describeError } from '../shared/errors';
import { loggerFor } from '../shared/log';
import { type AliasContext, ensureAssociated, removeAssociation } from './association';
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

/** Time kept back from the function's timeout so our own error, not "Task timed out", reaches CloudFormation. */
const RESERVE_MS = 20_000;
/** Time kept back during a Create for undoing it if it fails (see undoCreate), at most a quarter. */
const UNDO_RESERVE_MS = 60_000;

// One client per container: reused across invocations. Region and endpoint come from the environment.
const connect = new ConnectClient(CLIENT_CONFIG);

/** onEvent handler of Custom::ConnectEmailAddressAlias for the custom-resources Provider framework. */
export async function handler(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  const ctx: AliasContext = {
    connect,
    deadline: Deadline.fromContext(context, Math.min(RESERVE_MS, context.getRemainingTimeInMillis() / 10)),
    log: loggerFor(event),
    token: (operation, pair) => clientToken(event, operation, pair),
  };
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event, ctx);
    case 'Update':
      return onUpdate(event, ctx);
    case 'Delete':
      return onDelete(event, ctx);
    default:
      throw new Error(`Unknown RequestType '${(event as { RequestType?: unknown }).RequestType}'`);
  }
}

/** Associates the pair (or finds it already associated by an earlier delivery of this request). */
async function onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: AliasContext): Promise<OnEventResponse> {
  const pair = parseProperties(event.ResourceProperties);
  const progress = { associated: false, removed: false };
  const work = { ...ctx, progress, deadline: ctx.deadline.earlierBy(Math.min(UNDO_RESERVE_MS, ctx.deadline.remainingMs() / 4)) };
  try {
    await ensureAssociated(work, pair);
  } catch (error) {
    // A failed Create gets the framework's marker id and the Delete that follows is skipped: an association
    // this request made must go now, or it outlives the stack.
    throw progress.associated ? await undoCreate(ctx, pair, error) : error;
  }
  return { PhysicalResourceId: physicalIdOf(pair), Data: dataOf(pair) };
}

/**
 * Replaces the old association with the desired one. If that fails, it puts back what it changed before
 * reporting: the rollback Update that follows may read a Describe that lags this request's own writes, and
 * would then take the old association for present when it is not.
 */
async function moveAssociation(ctx: AliasContext, old: AliasPair, desired: AliasPair): Promise<void> {
  const progress = { associated: false, removed: false };
  const work = { ...ctx, progress, deadline: ctx.deadline.earlierBy(Math.min(UNDO_RESERVE_MS, ctx.deadline.remainingMs() / 4)) };
  try {
    await removeAssociation(work, old);
    await ensureAssociated(work, desired);
  } catch (error) {
    throw progress.associated || progress.removed ? await undoUpdate(ctx, old, desired, progress, error) : error;
  }
}

/** Puts back what a failed update changed and returns the error to report, saying whether that worked. */
async function undoUpdate(
  ctx: AliasContext,
  old: AliasPair,
  desired: AliasPair,
  progress: { associated: boolean; removed: boolean },
  error: unknown,
): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('Undoing the failed update', { old, desired, reason });
    if (progress.associated) {
      await removeAssociation(ctx, desired, true);
    }
    if (progress.removed) {
      // This request removed it, whatever a lagging Describe still shows.
      await ensureAssociated(ctx, old, true);
    }
    return new Error(`${reason} (the previous association was restored)`);
  } catch (undoError) {
    return new Error(`${reason}. Restoring the previous association also failed: ${describeError(undoError)}`);
  }
}

/** Removes the association a failed Create made and returns the error to report, saying whether that worked. */
async function undoCreate(ctx: AliasContext, pair: AliasPair, error: unknown): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('Undoing the failed create', { ...pair, reason });
    await removeAssociation(ctx, pair, true);
    return new Error(`${reason} (the association made for this request was removed again)`);
  } catch (undoError) {
    return new Error(
      `${reason}. Removing the association again also failed: ${describeError(undoError)}. ` +
      'The next deployment of this resource finds it and keeps it; or disassociate it by hand.',
    );
  }
}

/**
 * Moves the association to the new pair. An address has at most one alias and aliases cannot chain, so the
 * old association goes first. A rollback Update arrives with the old properties as the desired ones, so the
 * same steps restore the old association.
 */
async function onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: AliasContext): Promise<OnEventResponse> {
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
async function onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: AliasContext): Promise<OnEventResponse> {
  // The physical id records exactly what we associated; the properties are a fallback for other id forms.
  const pair = pairFromPhysicalId(event.PhysicalResourceId) ?? tryParseProperties(event.ResourceProperties);
  if (pair === undefined) {
    // Invalid properties never got past validation, so there is no association to remove; failing
    // would only block the stack's deletion.
    ctx.log('Neither the physical id nor the properties name a valid pair; nothing to remove');
  } else {
    await removeAssociation(ctx, pair);
  }
  // The framework refuses a Delete that changes the physical id.
  return { PhysicalResourceId: event.PhysicalResourceId };
}
