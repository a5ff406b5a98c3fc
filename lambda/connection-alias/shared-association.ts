import {
  AssociateConnectionAliasCommand,
  type ConnectionAlias,
  type ConnectionAliasAssociation,
  DisassociateConnectionAliasCommand,
} from '@aws-sdk/client-workspaces';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { describeAlias, waitUntilCreated } from './alias';
import { liveAssociations, mustDescribe, waitUntilAssociated } from './association';
import { associationKeys, deleteMarks, directoryTags, setMarks } from './association-marks';
import { accountOfStack, type DesiredAssociation, parseAssociationProperties, regionOfStack } from './association-properties';
import { type ConnectionAliasContext, isSettling, workspaces } from './client';
import { CONNECTION_ALIAS_ASSOCIATION_ATTRIBUTES as ATTR } from '../../lib/private/connection-alias-association-properties';
import { aliasIdProblem } from '../../lib/private/validation';
import { boundByDeadline } from '../shared/bounded-client';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from '../shared/cloudformation';
import { describeError, isError } from '../shared/errors';
import { runHandler, until } from '../shared/handler';
import { claimOf, handBackMarks, ownerOf, ownMarks, releaseOf, takeoverMarks } from '../shared/ownership';
import { changeUnlessDone, pollUntil, retryServiceErrors, retryWhileTransient } from '../shared/poll';
import { WORKSPACES_UNDO_RESERVE_MS, workDeadline } from '../shared/time-budget';

/** What the steps of one Custom::WorkSpacesConnectionAliasAssociation request share. */
interface AssociationContext extends ConnectionAliasContext {
  /** The stack's account: the one whose directory is associated (the alias may be another account's). */
  readonly accountId: string;
  readonly region: string;
}

/** onEvent handler of Custom::WorkSpacesConnectionAliasAssociation (same function as Custom::WorkSpacesConnectionAlias). */
export function handleAssociation(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  return runHandler<AssociationContext>(event, context, {
    context: (base) => {
      const identity = ownerOf(event);
      return {
        ...base,
        client: boundByDeadline(workspaces, base.deadline, { iamPropagationGrace: true }),
        owner: identity,
        accountId: accountOfStack(event.StackId),
        region: regionOfStack(event.StackId),
      };
    },
    onCreate,
    onUpdate,
    onDelete,
  });
}

function onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: AssociationContext): Promise<OnEventResponse> {
  return establishUndoingOnFailure(ctx, parseAssociationProperties(event.ResourceProperties));
}

/** Another alias is a replacement (new physical id); another directory moves the association in place. */
async function onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: AssociationContext): Promise<OnEventResponse> {
  const desired = parseAssociationProperties(event.ResourceProperties);
  if (desired.aliasId !== event.PhysicalResourceId) {
    // CloudFormation removes the old alias's association in the cleanup phase, after the whole update succeeded.
    return establishUndoingOnFailure(ctx, desired);
  }
  const oldDirectory = stringProperty(event.OldResourceProperties, 'DirectoryId');
  return retryServiceErrors(`moving the association of ${desired.aliasId}`, async () => {
    // Looked at first: a directory that does not exist fails the move before the old association is touched.
    await directoryTags(ctx, desired.directoryId);
    await moveAwayFrom(ctx, desired);
    const response = await establish(ctx, desired);
    if (oldDirectory && oldDirectory !== desired.directoryId) {
      await dropOwnMarks(ctx, desired.aliasId, oldDirectory);
    }
    return response;
  }, ctx.deadline);
}

async function onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: AssociationContext): Promise<OnEventResponse> {
  const aliasId = event.PhysicalResourceId;
  if (aliasIdProblem(aliasId)) {
    ctx.log('physical id is not a connection alias id; nothing to disassociate', { aliasId });
  } else {
    const hint = stringProperty(event.ResourceProperties, 'DirectoryId');
    await retryServiceErrors(`disassociating ${aliasId}`, () => release(ctx, aliasId, hint), ctx.deadline);
  }
  return { PhysicalResourceId: aliasId };
}

/**
 * Establishes the association; if that fails, releases what this request holds (a failed Create gets the
 * framework's marker id and its Delete is skipped): an association it made or adopted is removed, one it took
 * over from a renamed resource is handed back.
 */
async function establishUndoingOnFailure(ctx: AssociationContext, desired: DesiredAssociation): Promise<OnEventResponse> {
  const work = until(ctx, workDeadline(ctx.deadline, WORKSPACES_UNDO_RESERVE_MS));
  try {
    // Every step looks before it changes anything, so the whole can run again after the SDK gave up on throttling.
    return await retryServiceErrors(`associating ${desired.aliasId}`, () => establish(work, desired), work.deadline);
  } catch (error) {
    const reason = describeError(error);
    ctx.log('undoing the failed association', { aliasId: desired.aliasId, reason });
    try {
      await retryServiceErrors('the undo', () => release(ctx, desired.aliasId, desired.directoryId), ctx.deadline);
    } catch (undoError) {
      throw new Error(
        `${reason}. Undoing the association of connection alias ${desired.aliasId} with directory ${desired.directoryId} ` +
        `also failed: ${describeError(undoError)}. Its marks stay on the directory, so the next deployment of this resource adopts it.`,
        { cause: undoError },
      );
    }
    throw error;
  }
}

/** Makes `desired.aliasId` associated with `desired.directoryId`, and returns the resource's response. */
async function establish(ctx: AssociationContext, desired: DesiredAssociation): Promise<OnEventResponse> {
  const { aliasId, directoryId } = desired;
  const alias = await settled(ctx, await visibleAlias(ctx, desired));
  const mine = liveAssociations(alias).find((a) => a.AssociatedAccountId === ctx.accountId && a.ResourceId === directoryId);
  if (mine) {
    await claimExisting(ctx, aliasId, directoryId);
  } else {
    const holder = liveAssociations(alias)[0];
    if (holder) {
      throw heldElsewhere(ctx, aliasId, holder);
    }
    const tags = await directoryTags(ctx, directoryId);
    // Marked before associating: a redelivered or retried request must recognise the association as its own.
    await setMarks(ctx, directoryId, ownMarks(ctx.owner, associationKeys(aliasId)));
    if (tags[associationKeys(aliasId).previousOwner] !== undefined) {
      await deleteMarks(ctx, directoryId, [associationKeys(aliasId).previousOwner]);
    }
    await associate(ctx, desired);
  }
  const established = desired.ownerAccountId === ctx.accountId ? 'ASSOCIATED_WITH_OWNER_ACCOUNT' : 'ASSOCIATED_WITH_SHARED_ACCOUNT';
  const connectionIdentifier = await waitUntilAssociated(ctx, aliasId, directoryId, established);
  return {
    PhysicalResourceId: aliasId,
    Data: {
      [ATTR.connectionIdentifier]: connectionIdentifier,
      [ATTR.aliasId]: aliasId,
      [ATTR.connectionString]: alias.ConnectionString ?? '',
    },
  };
}

/** The alias as this account sees it, CREATED; refuses one it cannot see or that another account owns. */
async function visibleAlias(ctx: AssociationContext, desired: DesiredAssociation): Promise<ConnectionAlias> {
  const alias = await describeAlias(ctx, desired.aliasId);
  if (!alias) {
    throw new Error(
      `Connection alias ${desired.aliasId} is not visible to account ${ctx.accountId} in ${ctx.region}: it does not exist ` +
      (desired.ownerAccountId === ctx.accountId
        ? 'in this Region'
        : `in this Region, or its owner ${desired.ownerAccountId} does not share it with this account (ConnectionAlias sharedAccountId)`),
    );
  }
  if (alias.OwnerAccountId && alias.OwnerAccountId !== desired.ownerAccountId) {
    throw new Error(
      `Connection alias ${desired.aliasId} belongs to account ${alias.OwnerAccountId}, not to ${desired.ownerAccountId} ` +
      '(ownerAccountId): give the account that owns it',
    );
  }
  return alias.State === 'CREATED' ? alias : waitUntilCreated(ctx, desired.aliasId);
}

/**
 * The alias once no disassociation of it is under way: an association being taken down (a rollback arriving
 * during the failed update's move) must finish going before the alias can be associated again.
 */
async function settled(ctx: AssociationContext, alias: ConnectionAlias): Promise<ConnectionAlias> {
  const disassociating = (a: ConnectionAlias) => liveAssociations(a).some((x) => x.AssociationStatus === 'PENDING_DISASSOCIATION');
  if (!disassociating(alias)) {
    return alias;
  }
  return pollUntil(
    `the earlier association of connection alias ${alias.AliasId} to be removed`,
    async () => {
      const now = await mustDescribe(ctx, alias.AliasId!);
      return { done: !disassociating(now), value: now, status: 'PENDING_DISASSOCIATION' };
    },
    ctx.deadline,
  );
}

/** An association with the right directory exists: ours (adopt), a renamed resource's (take over), or refuse. */
async function claimExisting(ctx: AssociationContext, aliasId: string, directoryId: string): Promise<void> {
  const keys = associationKeys(aliasId);
  const claim = claimOf(await directoryTags(ctx, directoryId), ctx.owner, keys);
  switch (claim.kind) {
    case 'own':
      ctx.log('adopting the association an earlier delivery of this request made', { aliasId, directoryId });
      return;
    case 'renamed':
      ctx.log('taking over the association from a renamed resource of this stack', { aliasId, directoryId });
      return setMarks(ctx, directoryId, takeoverMarks(ctx.owner, claim.fromMarker, keys));
    case 'foreign':
      throw new Error(
        `Connection alias ${aliasId} is already associated with directory ${directoryId} by stack ${claim.stackName ?? '(unknown)'}, ` +
        `so ${ctx.event.LogicalResourceId} does not take it over. Remove that stack's ConnectionAliasAssociation first.`,
      );
    case 'unmarked':
      throw new Error(
        `Connection alias ${aliasId} is already associated with directory ${directoryId} of account ${ctx.accountId}, but not by ` +
        `this library, so ${ctx.event.LogicalResourceId} does not take it over. Disassociate it first (aws workspaces ` +
        `disassociate-connection-alias --alias-id ${aliasId} --region ${ctx.region}), then deploy again.`,
      );
  }
}

function heldElsewhere(ctx: AssociationContext, aliasId: string, holder: ConnectionAliasAssociation): Error {
  const account = holder.AssociatedAccountId === ctx.accountId ? `this account (${ctx.accountId})` : `account ${holder.AssociatedAccountId}`;
  return new Error(
    `Connection alias ${aliasId} is already associated with directory ${holder.ResourceId} of ${account} ` +
    `(${holder.AssociationStatus}); an alias can be associated with only one directory per Region, across the owner and ` +
    'the shared account. That association must be removed first.',
  );
}

async function associate(ctx: AssociationContext, desired: DesiredAssociation): Promise<void> {
  const { aliasId, directoryId } = desired;
  ctx.log('associating connection alias', { aliasId, directoryId });
  try {
    await retryWhileTransient(
      `AssociateConnectionAlias ${aliasId} with ${directoryId}`,
      () => ctx.client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: directoryId })),
      isSettling,
      ctx.deadline,
    );
  } catch (error) {
    if (!isError(error, 'ResourceAssociatedException')) {
      throw error;
    }
    // The SDK retries a call whose response was lost: if the first attempt went through, the retry is told the
    // alias is already associated. With our own directory, that is the state we asked for.
    const holder = liveAssociations(await mustDescribe(ctx, aliasId))[0];
    if (!holder || holder.AssociatedAccountId !== ctx.accountId || holder.ResourceId !== directoryId) {
      throw holder ? heldElsewhere(ctx, aliasId, holder) : error;
    }
  }
}

/** Before a move: removes this resource's association with another directory of this account. */
async function moveAwayFrom(ctx: AssociationContext, desired: DesiredAssociation): Promise<void> {
  const alias = await visibleAlias(ctx, desired);
  const elsewhere = liveAssociations(alias).find((a) => a.AssociatedAccountId === ctx.accountId && a.ResourceId !== desired.directoryId);
  if (!elsewhere?.ResourceId) {
    return;
  }
  const keys = associationKeys(desired.aliasId);
  const release = releaseOf(await directoryTags(ctx, elsewhere.ResourceId), ctx.owner, keys);
  if (release.kind !== 'remove' && release.kind !== 'hand-back') {
    throw heldElsewhere(ctx, desired.aliasId, elsewhere);
  }
  ctx.log('moving the association', { aliasId: desired.aliasId, from: elsewhere.ResourceId, to: desired.directoryId });
  await disassociateOwn(ctx, desired.aliasId);
  await deleteMarks(ctx, elsewhere.ResourceId, [keys.owner, keys.stack, keys.previousOwner]);
}

/**
 * What a Delete (or a failed Create's undo) does with this account's association of the alias, by the marks
 * on its directory: remove ours, hand back one taken over by an unconfirmed rename, confirm a handover, or
 * leave alone what is not ours. An alias or association already gone is success.
 */
async function release(ctx: AssociationContext, aliasId: string, directoryHint: string | undefined): Promise<void> {
  const alias = await describeAlias(ctx, aliasId);
  const mine = alias && liveAssociations(alias).find((a) => a.AssociatedAccountId === ctx.accountId);
  const directoryId = mine?.ResourceId ?? directoryHint;
  if (!directoryId) {
    ctx.log('association already gone', { aliasId });
    return;
  }
  const keys = associationKeys(aliasId);
  const tags = await tagsIfDirectoryExists(ctx, directoryId);
  const decision = releaseOf(tags, ctx.owner, keys);
  switch (decision.kind) {
    case 'remove':
      if (mine) {
        ctx.log('disassociating connection alias', { aliasId, directoryId });
        await disassociateOwn(ctx, aliasId);
      } else {
        ctx.log('association already gone', { aliasId, directoryId });
      }
      return dropOwnMarks(ctx, aliasId, directoryId, tags);
    case 'hand-back':
      ctx.log('handing the association back to the resource it was taken over from', { aliasId, directoryId });
      await setMarks(ctx, directoryId, handBackMarks(ctx.owner, decision.toMarker, keys));
      return deleteMarks(ctx, directoryId, [keys.previousOwner]);
    case 'confirm-handover':
      ctx.log('confirming the handover of the association to the renamed resource', { aliasId, directoryId });
      return deleteMarks(ctx, directoryId, [keys.previousOwner]);
    case 'leave':
      ctx.log('leaving the association alone', { aliasId, directoryId, reason: decision.reason });
  }
}

/** Removes this resource's marks of the alias from a directory, if they are its own. */
async function dropOwnMarks(ctx: AssociationContext, aliasId: string, directoryId: string, known?: Record<string, string>): Promise<void> {
  const keys = associationKeys(aliasId);
  const tags = known ?? await tagsIfDirectoryExists(ctx, directoryId);
  if (claimOf(tags, ctx.owner, keys).kind === 'own') {
    await deleteMarks(ctx, directoryId, [keys.owner, keys.stack, keys.previousOwner].filter((key) => key in tags));
  }
}

/** A deregistered directory carries no marks and no association. */
async function tagsIfDirectoryExists(ctx: AssociationContext, directoryId: string): Promise<Record<string, string>> {
  try {
    return await directoryTags(ctx, directoryId);
  } catch (error) {
    if (isError(error, 'ResourceNotFoundException')) {
      return {};
    }
    throw error;
  }
}

/** Removes this account's association of the alias and waits until it is gone. */
async function disassociateOwn(ctx: AssociationContext, aliasId: string): Promise<void> {
  const ours = async () => liveAssociations((await describeAlias(ctx, aliasId)) ?? {}).find((a) => a.AssociatedAccountId === ctx.accountId);
  await changeUnlessDone(
    `DisassociateConnectionAlias ${aliasId}`,
    {
      // After a lost response the disassociation may be under way; a PENDING_ASSOCIATION cannot be undone yet
      // (InvalidResourceStateException until it settles).
      needed: async () => {
        const association = await ours();
        return association !== undefined && association.AssociationStatus !== 'PENDING_DISASSOCIATION';
      },
      change: () => ctx.client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId })),
    },
    isSettling,
    ctx.deadline,
  );
  await pollUntil(
    `connection alias ${aliasId} to be disassociated`,
    async () => {
      const association = await ours();
      return { done: association === undefined, status: association?.AssociationStatus };
    },
    ctx.deadline,
  );
}

function stringProperty(properties: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = properties?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
