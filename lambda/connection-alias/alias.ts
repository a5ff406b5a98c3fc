import {
  ConnectionAlias,
  CreateConnectionAliasCommand,
  DeleteConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
} from '@aws-sdk/client-workspaces';
import { type ConnectionAliasContext, isSettling } from './client';
import { isError } from '../shared/errors';
import { changeUnlessDone, NotFoundGrace, pollUntil } from '../shared/poll';

/** The alias with this id, or undefined once it is gone. */
export async function describeAlias(ctx: ConnectionAliasContext, aliasId: string): Promise<ConnectionAlias | undefined> {
  try {
    const response = await ctx.client.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId] }));
    return response.ConnectionAliases?.find((alias) => alias.AliasId === aliasId);
  } catch (error) {
    // The model lists no ResourceNotFoundException here; an unknown id normally gives an empty list.
    // Accept both, as Terraform's provider does.
    if (isError(error, 'ResourceNotFoundException')) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The alias in this account and Region with this connection string, if any. DescribeConnectionAliases
 * has no filter by string and no SDK paginator, so this pages through all of them (at most 20 exist).
 */
export async function findAliasByConnectionString(ctx: ConnectionAliasContext, connectionString: string): Promise<ConnectionAlias | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await ctx.client.send(new DescribeConnectionAliasesCommand({ Limit: 25, NextToken: nextToken }));
    // DNS names are case-insensitive; compare as WorkSpaces might normalise them.
    const match = page.ConnectionAliases?.find((alias) => alias.ConnectionString?.toLowerCase() === connectionString.toLowerCase());
    if (match) {
      return match;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

/** Creates the alias; returns its id at once, while it is still CREATING. */
export async function createAlias(
  ctx: ConnectionAliasContext,
  connectionString: string,
  tags: ReadonlyArray<{ Key: string; Value: string }>,
): Promise<string> {
  const response = await ctx.client.send(new CreateConnectionAliasCommand({ ConnectionString: connectionString, Tags: [...tags] }));
  if (!response.AliasId) {
    throw new Error(`CreateConnectionAlias for '${connectionString}' returned no AliasId`);
  }
  return response.AliasId;
}

/** Waits until the alias is CREATED: associating, sharing and deleting are refused before that. */
export async function waitUntilCreated(ctx: ConnectionAliasContext, aliasId: string): Promise<ConnectionAlias> {
  const grace = new NotFoundGrace();
  return pollUntil(
    `connection alias ${aliasId} to reach state CREATED`,
    async () => {
      const alias = await describeAlias(ctx, aliasId);
      if (!alias) {
        if (!grace.stillPending()) {
          throw new Error(`Connection alias ${aliasId} disappeared while waiting for it to be created`);
        }
        return { done: false, status: 'not yet visible' };
      }
      grace.seen();
      return { done: alias.State === 'CREATED', value: alias, status: alias.State };
    },
    ctx.deadline,
  );
}

/** Waits until the alias no longer exists (DELETING is asynchronous). */
export async function waitUntilGone(ctx: ConnectionAliasContext, aliasId: string): Promise<void> {
  await pollUntil(
    `connection alias ${aliasId} to be deleted`,
    async () => {
      const alias = await describeAlias(ctx, aliasId);
      return { done: alias === undefined, status: alias?.State };
    },
    ctx.deadline,
  );
}

/** Deletes a CREATED, unassociated, unshared alias and waits until it is gone. Already gone is success. */
export async function deleteAlias(ctx: ConnectionAliasContext, aliasId: string): Promise<void> {
  try {
    await changeUnlessDone(
      `DeleteConnectionAlias ${aliasId}`,
      {
        // After a lost response (or a redelivery) the alias may already be DELETING or gone, and WorkSpaces
        // then answers InvalidResourceStateException, as it does while the alias is settling.
        needed: async () => {
          const alias = await describeAlias(ctx, aliasId);
          return alias !== undefined && alias.State !== 'DELETING';
        },
        change: () => ctx.client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId })),
      },
      isSettling,
      ctx.deadline,
    );
  } catch (error) {
    if (!isError(error, 'ResourceNotFoundException')) {
      throw error;
    }
  }
  await waitUntilGone(ctx, aliasId);
}
