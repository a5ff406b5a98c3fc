import {
  DescribeConnectionAliasPermissionsCommand,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import { type ConnectionAliasContext, isSettling } from './client';
import { assertNoSharedAssociation } from './shared-account-guard';
import { describeError, isError } from '../shared/errors';
import { retryWhileTransient } from '../shared/poll';

/** The accounts the alias is currently shared with. */
async function sharedAccounts(ctx: ConnectionAliasContext, aliasId: string): Promise<string[]> {
  const accounts: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.client.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: aliasId, NextToken: nextToken }));
    for (const permission of page.ConnectionAliasPermissions ?? []) {
      if (permission.AllowAssociation && permission.SharedAccountId) {
        accounts.push(permission.SharedAccountId);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return accounts;
}

/**
 * Makes the alias shared with exactly `accountId` (or with no account, when undefined). WorkSpaces shares
 * an alias with one other account at most, so any other share is removed before the new one is made.
 */
export async function reconcileSharing(ctx: ConnectionAliasContext, aliasId: string, accountId: string | undefined): Promise<void> {
  const current = await sharedAccounts(ctx, aliasId);
  for (const other of current.filter((account) => account !== accountId)) {
    await assertNoSharedAssociation(ctx, aliasId, other);
    ctx.log('unsharing connection alias', { aliasId, sharedAccountId: other });
    await setPermission(ctx, aliasId, other, false);
  }
  if (accountId !== undefined && !current.includes(accountId)) {
    ctx.log('sharing connection alias', { aliasId, sharedAccountId: accountId });
    await setPermission(ctx, aliasId, accountId, true);
  }
}

async function setPermission(ctx: ConnectionAliasContext, aliasId: string, accountId: string, allow: boolean): Promise<void> {
  try {
    await retryWhileTransient(
      `UpdateConnectionAliasPermission ${aliasId} for ${accountId}`,
      () => ctx.client.send(new UpdateConnectionAliasPermissionCommand({
        AliasId: aliasId,
        ConnectionAliasPermission: { SharedAccountId: accountId, AllowAssociation: allow },
      })),
      isSettling,
      ctx.deadline,
    );
  } catch (error) {
    // Only the shared account can undo its own association; the owner cannot unshare until it has.
    if (!allow && isError(error, 'ResourceAssociatedException')) {
      throw new Error(
        `Cannot stop sharing connection alias ${aliasId} with account ${accountId}: that account still has it ` +
        `associated with one of its directories and must disassociate it first (${describeError(error)})`,
        { cause: error },
      );
    }
    throw error;
  }
}
