import { liveAssociations, mustDescribe } from './association';
import type { ConnectionAliasContext } from './client';

/**
 * Refuses, before anything is changed, to delete an alias or to stop sharing it (with `losingShare`, or with
 * any account when undefined) while another account holds an association of it. Only that account can remove
 * its association, and WorkSpaces would refuse the owner's unshare and delete anyway: failing first leaves the
 * alias exactly as it was (still shared, still associated, with its tags) instead of half taken apart.
 */
export async function assertNoSharedAssociation(ctx: ConnectionAliasContext, aliasId: string, losingShare?: string): Promise<void> {
  const alias = await mustDescribe(ctx, aliasId);
  const held = liveAssociations(alias).find(
    (a) => a.AssociatedAccountId !== alias.OwnerAccountId && (losingShare === undefined || a.AssociatedAccountId === losingShare),
  );
  if (held) {
    const what = losingShare === undefined ? 'be deleted' : `stop being shared with account ${held.AssociatedAccountId}`;
    throw new Error(
      `Connection alias ${aliasId} cannot ${what}: account ${held.AssociatedAccountId} has it associated with its directory ` +
      `${held.ResourceId} (${held.AssociationStatus}). That account must remove its association first (delete its ` +
      'ConnectionAliasAssociation, or disassociate the alias there); nothing was changed.',
    );
  }
}
