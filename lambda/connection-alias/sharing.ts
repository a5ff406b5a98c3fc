import {
  DescribeConnectionAliasPermissionsCommand,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import { workspaces, isSettling } from './client';
import type { Deadline } from '../shared/deadline';
import { describeError, isError } from '../shared/errors';
import type { Log } from '../shared/log';
import { retryWhileTransient } from '../shared/poll';

/** The accounts the alias is currently shared with. */
async function sharedAccounts(aliasId: string): Promise<string[]> {
  const accounts: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await workspaces.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: aliasId, NextToken: nextToken }));
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
export async function reconcileSharing(aliasId: string, accountId: string | undefined, deadline: Deadline, log: Log): Promise<void> {
  const current = await sharedAccounts(aliasId);
  for (const other of current.filter((account) => account !== accountId)) {
    log('unsharing connection alias', { aliasId, sharedAccountId: other });
    await setPermission(aliasId, other, false, deadline);
  }
  if (accountId !== undefined && !current.includes(accountId)) {
    log('sharing connection alias', { aliasId, sharedAccountId: accountId });
    await setPermission(aliasId, accountId, true, deadline);
  }
}

async function setPermission(aliasId: string, accountId: string, allow: boolean, deadline: Deadline): Promise<void> {
  try {
    await retryWhileTransient(
      `UpdateConnectionAliasPermission ${aliasId} for ${accountId}`,
      () => workspaces.send(new UpdateConnectionAliasPermissionCommand({
        AliasId: aliasId,
        ConnectionAliasPermission: { SharedAccountId: accountId, AllowAssociation: allow },
      })),
      isSettling,
      deadline,
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
