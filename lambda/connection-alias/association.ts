import {
  AssociateConnectionAliasCommand,
  ConnectionAlias,
  ConnectionAliasAssociation,
  DisassociateConnectionAliasCommand,
} from '@aws-sdk/client-workspaces';
import { describeAlias } from './alias';
import { type ConnectionAliasContext, isSettling } from './client';
import { isError } from '../shared/errors';
import { changeUnlessDone, NotFoundGrace, pollUntil, retryWhileTransient } from '../shared/poll';

const ESTABLISHED = 'ASSOCIATED_WITH_OWNER_ACCOUNT';

/** Associations that still hold the alias (a finished disassociation may linger as NOT_ASSOCIATED). */
export function liveAssociations(alias: ConnectionAlias): ConnectionAliasAssociation[] {
  return (alias.Associations ?? []).filter((a) => a.AssociationStatus !== 'NOT_ASSOCIATED');
}

/**
 * Makes the alias associated with `directoryId` (or with nothing, when undefined) in the owner account and
 * returns the association's ConnectionIdentifier ('' when not associated). An alias can be associated with
 * one directory per Region, so moving it means disassociating first.
 */
export async function reconcileAssociation(ctx: ConnectionAliasContext, aliasId: string, directoryId: string | undefined): Promise<string> {
  const alias = await mustDescribe(ctx, aliasId);
  const live = liveAssociations(alias);
  const byOtherAccount = live.find((a) => a.AssociatedAccountId !== alias.OwnerAccountId);
  if (byOtherAccount && directoryId !== undefined) {
    throw new Error(
      `Connection alias ${aliasId} is associated with directory ${byOtherAccount.ResourceId} by the shared account ` +
      `${byOtherAccount.AssociatedAccountId}; an alias can be associated with only one directory per Region. ` +
      'That account must disassociate it first.',
    );
  }
  for (const association of live.filter((a) => a.AssociatedAccountId === alias.OwnerAccountId)) {
    // An association with the right directory that is being taken down (a rollback arriving while the failed
    // update's disassociation is under way) must finish going before it can be made again.
    if (directoryId !== undefined && association.ResourceId === directoryId && association.AssociationStatus !== 'PENDING_DISASSOCIATION') {
      return waitUntilAssociated(ctx, aliasId, directoryId);
    }
    ctx.log('disassociating connection alias', { aliasId, directoryId: association.ResourceId });
    await disassociate(ctx, aliasId);
  }
  if (directoryId === undefined) {
    return '';
  }
  ctx.log('associating connection alias', { aliasId, directoryId });
  try {
    await retryWhileTransient(
      `AssociateConnectionAlias ${aliasId} with ${directoryId}`,
      () => ctx.client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: directoryId })),
      isSettling,
      ctx.deadline,
    );
  } catch (error) {
    // The SDK retries a call whose response was lost: if the first attempt went through, the retry is told
    // the alias is already associated. With our own directory, that is the state we asked for.
    if (!isError(error, 'ResourceAssociatedException') || !(await ownerAssociation(ctx, aliasId, directoryId))) {
      throw error;
    }
  }
  return waitUntilAssociated(ctx, aliasId, directoryId);
}

/** The owner account's live association of the alias (with `directoryId`, if given). */
async function ownerAssociation(ctx: ConnectionAliasContext, aliasId: string, directoryId?: string): Promise<ConnectionAliasAssociation | undefined> {
  const alias = await mustDescribe(ctx, aliasId);
  return liveAssociations(alias).find(
    (a) => a.AssociatedAccountId === alias.OwnerAccountId && (directoryId === undefined || a.ResourceId === directoryId),
  );
}

/** Removes the owner account's association, if any, and waits until it is gone. */
export async function disassociate(ctx: ConnectionAliasContext, aliasId: string): Promise<void> {
  await changeUnlessDone(
    `DisassociateConnectionAlias ${aliasId}`,
    {
      // After a lost response (or a redelivery) the disassociation may already be under way or done, and
      // WorkSpaces then refuses a second one with the same error as a pending association. A
      // PENDING_ASSOCIATION cannot be disassociated yet: InvalidResourceStateException until it settles.
      needed: async () => {
        const association = await ownerAssociation(ctx, aliasId);
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
      const alias = await mustDescribe(ctx, aliasId);
      const owned = liveAssociations(alias).find((a) => a.AssociatedAccountId === alias.OwnerAccountId);
      return { done: owned === undefined, status: owned?.AssociationStatus };
    },
    ctx.deadline,
  );
}

/**
 * Waits for the association to be established and returns its ConnectionIdentifier. `established` is the
 * status that means done: the shared account's association reaches ASSOCIATED_WITH_SHARED_ACCOUNT instead.
 */
export async function waitUntilAssociated(
  ctx: ConnectionAliasContext,
  aliasId: string,
  directoryId: string,
  established: string = ESTABLISHED,
): Promise<string> {
  const grace = new NotFoundGrace();
  return pollUntil(
    `connection alias ${aliasId} to be associated with directory ${directoryId}`,
    async () => {
      const alias = await mustDescribe(ctx, aliasId);
      const association = liveAssociations(alias).find((a) => a.ResourceId === directoryId);
      if (!association) {
        if (!grace.stillPending()) {
          throw new Error(`The association of connection alias ${aliasId} with directory ${directoryId} disappeared`);
        }
        return { done: false, status: 'not yet visible' };
      }
      grace.seen();
      return {
        done: association.AssociationStatus === established && !!association.ConnectionIdentifier,
        value: association.ConnectionIdentifier,
        status: association.AssociationStatus,
      };
    },
    ctx.deadline,
  );
}

export async function mustDescribe(ctx: ConnectionAliasContext, aliasId: string): Promise<ConnectionAlias> {
  const alias = await describeAlias(ctx, aliasId);
  if (!alias) {
    throw new Error(`Connection alias ${aliasId} does not exist`);
  }
  return alias;
}
