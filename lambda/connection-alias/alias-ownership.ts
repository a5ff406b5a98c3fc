import { ALIAS_KEYS, type ConnectionAliasContext } from './client';
import { deleteTags, describeTags, setTags } from './tags';
import { claimOf, handBackMarks, ownMarks, releaseOf, type Release, takeoverMarks } from '../shared/ownership';

/** What a Create does with an alias that already has its connection string. */
export type Obtained =
  /** This resource's own (an earlier delivery of the request, or a stack recreated under the same name). */
  | { readonly kind: 'own' }
  /** The resource of this stack that the construct was renamed or moved from holds it: take it over. */
  | { readonly kind: 'renamed'; readonly fromMarker: string };

/**
 * Claims an existing alias for a Create: adopts this resource's own, finds a renamed resource's (to take over
 * with takeOver, keeping the alias, so its ConnectionIdentifier and the users' DNS records stay valid), and
 * refuses anything else without touching it.
 */
export async function claimAlias(ctx: ConnectionAliasContext, aliasId: string, connectionString: string): Promise<Obtained> {
  const tags = await describeTags(ctx, aliasId);
  const claim = claimOf(tags, ctx.owner, ALIAS_KEYS);
  const logicalId = ctx.event.LogicalResourceId;
  switch (claim.kind) {
    case 'own':
      if (tags[ALIAS_KEYS.stack] === undefined || tags[ALIAS_KEYS.owner] !== ctx.owner.marker) {
        // A mark of an earlier library version: written anew so that the IAM policy (on the stack tag) covers it.
        await setTags(ctx, aliasId, ownMarks(ctx.owner, ALIAS_KEYS));
      }
      ctx.log('adopting this resource\'s own connection alias', { aliasId });
      return { kind: 'own' };
    case 'renamed':
      return { kind: 'renamed', fromMarker: claim.fromMarker };
    case 'unmarked':
      throw new Error(
        `Connection alias ${aliasId} already uses the connection string '${connectionString}' and carries no ` +
        `'${ALIAS_KEYS.owner}' tag, so this library did not create it and does not take it over. Refer to it with ` +
        `ConnectionAlias.fromConnectionAliasId(this, '${logicalId}', '${aliasId}'), or delete it first.`,
      );
    case 'foreign':
      throw new Error(
        `Connection alias ${aliasId} already uses the connection string '${connectionString}' and is owned by ` +
        `${claim.stackName === undefined ? 'a resource of another stack' : `stack ${claim.stackName}`}, so it is not ` +
        'taken over. Remove it from that stack first, or refer to it with ' +
        `ConnectionAlias.fromConnectionAliasId(this, '${logicalId}', '${aliasId}').`,
      );
  }
}

/**
 * Marks the alias as this resource's, with the renamed resource's marker kept as the previous owner until that
 * resource's cleanup Delete confirms the handover (or this resource's rollback Delete hands it back).
 */
export async function takeOver(ctx: ConnectionAliasContext, aliasId: string, fromMarker: string): Promise<void> {
  ctx.log('taking over the connection alias of a renamed resource of this stack', { aliasId, fromMarker });
  await setTags(ctx, aliasId, takeoverMarks(ctx.owner, fromMarker, ALIAS_KEYS));
}

/**
 * What a Delete (or the undo of a failed Create) may do with the alias: 'remove' it when it is this
 * resource's with no handover pending; otherwise only its marks change (a rename's rollback hands it back, a
 * renamed resource's cleanup Delete confirms the handover), or, when it is not this resource's, nothing.
 * Carries out every outcome but 'remove', which is the caller's.
 */
export async function releaseAlias(ctx: ConnectionAliasContext, aliasId: string): Promise<Release> {
  const tags = await describeTags(ctx, aliasId);
  const release = releaseOf(tags, ctx.owner, ALIAS_KEYS);
  switch (release.kind) {
    case 'remove':
      if (tags[ALIAS_KEYS.stack] === undefined) {
        // Marked by an earlier library version: the IAM policy lets this stack's handler act only on aliases
        // that carry its stack tag.
        await setTags(ctx, aliasId, ownMarks(ctx.owner, ALIAS_KEYS));
      }
      break;
    case 'hand-back':
      ctx.log('handing the connection alias back to the resource it was taken over from', { aliasId, toMarker: release.toMarker });
      await setTags(ctx, aliasId, handBackMarks(ctx.owner, release.toMarker, ALIAS_KEYS));
      await deleteTags(ctx, aliasId, [ALIAS_KEYS.previousOwner]);
      break;
    case 'confirm-handover':
      ctx.log('leaving the connection alias to the resource this one was renamed to', { aliasId });
      await deleteTags(ctx, aliasId, [ALIAS_KEYS.previousOwner]);
      break;
    case 'leave':
      ctx.log(`leaving connection alias ${aliasId} untouched: ${release.reason}`, { aliasId });
      break;
  }
  return release;
}

/**
 * An Update changes the alias only while this resource owns it. Its physical id is CloudFormation's record of
 * what this resource made (an Update cannot carry another one), so an alias whose marks were removed by hand
 * is marked again (by reconcileTags). Another owner means another resource declares the same connection
 * string and took the alias over, or another stack re-marked it: the Update then fails naming the owner, and
 * changes nothing.
 */
export async function assertOwnedForUpdate(ctx: ConnectionAliasContext, aliasId: string): Promise<void> {
  const tags = await describeTags(ctx, aliasId);
  const claim = claimOf(tags, ctx.owner, ALIAS_KEYS);
  if (claim.kind === 'own' || claim.kind === 'unmarked') {
    return;
  }
  const holder = claim.kind === 'renamed'
    ? 'another resource of this stack (one that declares the same connection string and took it over)'
    : claim.stackName === undefined ? 'a resource of another stack' : `stack ${claim.stackName}`;
  throw new Error(`Connection alias ${aliasId} is now owned by ${holder}, so ${ctx.event.LogicalResourceId} does not change it.`);
}
