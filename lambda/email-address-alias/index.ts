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
import { ownerOf } from '../shared/ownership';
import { retryServiceErrors } from '../shared/poll';
import { CONNECT_UNDO_RESERVE_MS, workDeadline } from '../shared/time-budget';
import {
  associate,
  disassociate,
  type EmailAliasContext,
  ensureAssociated,
  ensureDisassociated,
  lookAt,
  lookAtIfExists,
  waitUntilAssociated,
  waitUntilDisassociated,
} from './association';
import { clientToken } from './client-token';
import { claimPair, markPair, type MarksBefore, releasePair, restoreMarks } from './marks';
import {
  type AliasPair,
  dataOf,
  pairFromPhysicalId,
  pairOfIds,
  parseProperties,
  physicalIdOf,
  samePair,
  sameDeclaration,
  tryParseProperties,
} from './properties';
import { resolvePair } from './resolve';

// One client per container: reused across invocations. Region and endpoint come from the environment.
const connect = new ConnectClient(CLIENT_CONFIG);

/** onEvent handler of Custom::ConnectEmailAddressAlias for the custom-resources Provider framework. */
export function handler(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  return runHandler<EmailAliasContext>(event, context, {
    context: (base) => ({
      ...base,
      client: boundByDeadline(connect, base.deadline, { iamPropagationGrace: true }),
      token: (operation, pair) => clientToken(event, operation, pair),
    }),
    onCreate,
    onUpdate,
    onDelete,
  });
}

/** What a request changed before it failed, for its undo. */
interface Done {
  marks: MarksBefore[];
  removed: boolean;
  associated: boolean;
}

/**
 * Marks both addresses and associates the pair (or finds it this resource's already: an earlier delivery, a
 * stack created again under the same name, or a renamed construct whose pair this resource takes over).
 */
async function onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  const work = until(ctx, workDeadline(ctx.deadline, CONNECT_UNDO_RESERVE_MS));
  const pair = await resolvePair(work, parseProperties(event.ResourceProperties));
  const done: Done = { marks: [], removed: false, associated: false };
  try {
    await claimAndAssociate(work, pair, done);
  } catch (error) {
    // A failed Create gets the framework's marker id and the Delete that follows is skipped: what this
    // request changed must be put back now, or it outlives the stack.
    throw done.associated || done.marks.length > 0 ? await undo(ctx, { desired: pair }, done, error) : error;
  }
  return { PhysicalResourceId: physicalIdOf(pair), Data: dataOf(pair) };
}

/**
 * Moves the association to the new pair. An address has at most one alias and aliases cannot chain, so the
 * old association goes first. The old pair keeps its marks: the cleanup Delete of the old physical id
 * releases them (after an instance move, the role may read the old instance's addresses only through them).
 * A rollback Update arrives with the old properties as the desired ones, so the same steps restore it.
 */
async function onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  const current = pairFromPhysicalId(event.PhysicalResourceId) ?? pairOfIds(tryParseProperties(event.OldResourceProperties));
  const work = until(ctx, workDeadline(ctx.deadline, CONNECT_UNDO_RESERVE_MS));
  // Same declaration (e.g. only ServiceTimeout changed): the physical id already holds the resolved pair.
  const unchanged = current !== undefined && sameDeclaration(event.ResourceProperties, event.OldResourceProperties);
  const desired = unchanged ? current : await resolvePair(work, parseProperties(event.ResourceProperties));
  if (current !== undefined && samePair(current, desired)) {
    // The same association: re-check it, which also repairs drift, and keep the physical id.
    const done: Done = { marks: [], removed: false, associated: false };
    await claimAndAssociate(work, desired, done, true);
    return { PhysicalResourceId: event.PhysicalResourceId, Data: dataOf(desired) };
  }
  if (current === undefined) {
    ctx.log('The physical id and the old properties name no pair; nothing to remove');
  }
  const done: Done = { marks: [], removed: false, associated: false };
  try {
    await claimAndAssociate(work, desired, done, false, current);
  } catch (error) {
    throw done.associated || done.removed || done.marks.length > 0 ? await undo(ctx, { old: current, desired }, done, error) : error;
  }
  // A new physical id makes CloudFormation send a Delete for the old one after the stack update succeeds.
  return { PhysicalResourceId: physicalIdOf(desired), Data: dataOf(desired) };
}

/** Releases the pair the physical id names, as its marks say: never a pair this resource does not own. */
async function onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: EmailAliasContext): Promise<OnEventResponse> {
  // The physical id records exactly what was associated; properties by id are a fallback. Never a lookup.
  const pair = pairFromPhysicalId(event.PhysicalResourceId) ?? pairOfIds(tryParseProperties(event.ResourceProperties));
  if (pair === undefined) {
    // Invalid properties never got past validation, so there is no association to remove; failing
    // would only block the stack's deletion.
    ctx.log('Neither the physical id nor the properties name a valid pair; nothing to remove');
  } else {
    const primary = await lookAtIfExists(ctx, pair.instanceId, pair.primaryId);
    const alias = await lookAtIfExists(ctx, pair.instanceId, pair.aliasId);
    await releasePair(ctx, pair, primary, alias, ownerOf(event), () => ensureDisassociated(ctx, pair, true));
  }
  // The framework refuses a Delete that changes the physical id.
  return { PhysicalResourceId: event.PhysicalResourceId };
}

/**
 * Looks at both addresses, claims them (refusing before any change), removes `old`'s association if there
 * is one to move away from, marks the pair and associates it. Records each change in `done`.
 */
async function claimAndAssociate(ctx: EmailAliasContext, pair: AliasPair, done: Done, adoptUnmarked = false, old?: AliasPair): Promise<void> {
  const primary = await lookAt(ctx, pair.instanceId, pair.primaryId);
  const alias = await lookAt(ctx, pair.instanceId, pair.aliasId);
  const claim = claimPair(pair, primary, alias, ownerOf(ctx.event), adoptUnmarked);
  const movingOff = old !== undefined && old.instanceId === pair.instanceId && old.primaryId === pair.primaryId;
  const other = primary.aliases.filter((id) => id !== pair.aliasId && !(movingOff && id === old.aliasId));
  if (other.length > 0) {
    // One alias per address; the other one is not ours to remove. Refused before anything changes.
    throw new Error(
      `Email address ${pair.primaryId} already has the alias ${other.join(', ')}; Amazon Connect allows one alias per address. ` +
      'Disassociate that alias first, or declare that pair in the stack instead of this one.',
    );
  }
  if (old !== undefined) {
    done.removed = await disassociate(ctx, old);
    if (done.removed) {
      await waitUntilDisassociated(ctx, old);
    }
  }
  done.marks = await markPair(ctx, pair, claim, ownerOf(ctx.event));
  // What Describe showed is still the truth unless this request just removed the old alias from this primary
  // (then it is known absent, whatever a lagging Describe shows).
  const knownAbsent = done.removed && movingOff;
  done.associated = await associate(ctx, pair, knownAbsent, knownAbsent ? undefined : primary.aliases);
  if (done.associated) {
    await waitUntilAssociated(ctx, pair);
  }
}

/**
 * Puts back what a failed Create or Update changed (association and marks) and returns the error to report,
 * saying whether that worked. Throttling and 5xx are retried until the answer deadline: the undo's reserve
 * exists for exactly this.
 */
async function undo(ctx: EmailAliasContext, pairs: { old?: AliasPair; desired: AliasPair }, done: Done, error: unknown): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('Undoing the failed request', { ...pairs, reason });
    await retryServiceErrors(
      'the undo',
      async () => {
        if (done.associated) {
          await ensureDisassociated(ctx, pairs.desired, true);
        }
        if (done.removed && pairs.old) {
          // This request removed it, whatever a lagging Describe still shows.
          await ensureAssociated(ctx, pairs.old, true);
        }
        await restoreMarks(ctx, done.marks);
      },
      ctx.deadline,
    );
    const putBack = pairs.old !== undefined && done.removed
      ? 'the previous association was restored'
      : done.associated ? 'the association made for this request was removed again' : 'the marks this request set were removed again';
    return new Error(`${reason} (${putBack})`);
  } catch (undoError) {
    return new Error(
      `${reason}. Putting back what this request changed also failed: ${describeError(undoError)}. ` +
      'The addresses carry this resource\'s marks, so deploying it again under the same stack name and construct finds ' +
      'and keeps the association; or disassociate it by hand.',
    );
  }
}
