import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import type { ConnectionAliasContext } from './client';
import { OWNER_TAG_KEY } from '../../lib/private/validation';
import type { OwnershipKeys } from '../shared/ownership';

// An association has no taggable resource of its own, and the alias may be another account's (which this
// account cannot tag), so its ownership marks live on the directory, the one thing of this account it
// touches. A directory can hold several aliases' associations over time, so each key names its alias.

/** The tag keys that mark the association of `aliasId` on its directory. */
export function associationKeys(aliasId: string): OwnershipKeys {
  return {
    owner: `${OWNER_TAG_KEY}:${aliasId}`,
    stack: `cdk-aliases:stack:${aliasId}`,
    previousOwner: `cdk-aliases:previous-owner:${aliasId}`,
  };
}

/** The directory's tags as a map (only the marks matter here, but DescribeTags returns them all). */
export async function directoryTags(ctx: ConnectionAliasContext, directoryId: string): Promise<Record<string, string>> {
  const response = await ctx.client.send(new DescribeTagsCommand({ ResourceId: directoryId }));
  return Object.fromEntries((response.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** Sets `marks` on the directory (CreateTags overwrites a key that exists). */
export async function setMarks(ctx: ConnectionAliasContext, directoryId: string, marks: Record<string, string>): Promise<void> {
  ctx.log('marking directory', { directoryId, keys: Object.keys(marks) });
  await ctx.client.send(new CreateTagsCommand({ ResourceId: directoryId, Tags: Object.entries(marks).map(([Key, Value]) => ({ Key, Value })) }));
}

/** Removes the given mark keys of the directory; keys it does not carry are no error. */
export async function deleteMarks(ctx: ConnectionAliasContext, directoryId: string, keys: string[]): Promise<void> {
  ctx.log('unmarking directory', { directoryId, keys });
  await ctx.client.send(new DeleteTagsCommand({ ResourceId: directoryId, TagKeys: keys }));
}
