import { createHash } from 'node:crypto';
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import type { ConnectionAliasContext } from './client';
import { OWNER_TAG_KEY } from '../../lib/private/validation';
import type { CustomResourceEvent } from '../shared/cloudformation';

type Tag = { Key: string; Value: string };

/**
 * The owner marker of the stack resource behind `event`. WorkSpaces calls take no ClientToken, so this tag
 * is how a redelivered Create (or a rollback to an earlier connection string) recognises the alias an
 * earlier run of the same resource created, and how an alias that somebody else made is never adopted.
 * A hash, because a stack ARN plus a logical id can exceed the 255-character tag value limit.
 */
export function ownerMarker(event: CustomResourceEvent): string {
  return createHash('sha256').update(`${event.StackId}/${event.LogicalResourceId}`).digest('hex');
}

/** The alias's tags as a map. */
export async function describeTags(ctx: ConnectionAliasContext, aliasId: string): Promise<Record<string, string>> {
  const response = await ctx.client.send(new DescribeTagsCommand({ ResourceId: aliasId }));
  return Object.fromEntries((response.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/**
 * Makes the alias's user tags exactly `desired`, in place (CloudFormation's own ConnectionAlias replaces the
 * alias for any tag change). The owner marker and `aws:` tags are not the user's and are left alone.
 */
export async function reconcileTags(ctx: ConnectionAliasContext, aliasId: string, desired: ReadonlyArray<Tag>): Promise<void> {
  const current = await describeTags(ctx, aliasId);
  const wanted = new Map(desired.map((tag) => [tag.Key, tag.Value]));
  wanted.set(OWNER_TAG_KEY, ctx.owner);
  const removed = Object.keys(current).filter((key) => !wanted.has(key) && !key.startsWith('aws:'));
  const changed = [...wanted].filter(([key, value]) => current[key] !== value).map(([Key, Value]) => ({ Key, Value }));
  // Delete before create so that swapping keys never trips the 50-tag limit.
  if (removed.length > 0) {
    ctx.log('removing tags', { aliasId, keys: removed });
    await ctx.client.send(new DeleteTagsCommand({ ResourceId: aliasId, TagKeys: removed }));
  }
  if (changed.length > 0) {
    ctx.log('setting tags', { aliasId, keys: changed.map((tag) => tag.Key) });
    // The owner tag rides along with every CreateTags: the handler's IAM policy allows tagging only in
    // requests that carry it (CreateTags supports no resource ARN, so a tag condition is the only scope).
    const withOwner = changed.some((tag) => tag.Key === OWNER_TAG_KEY) ? changed : [...changed, { Key: OWNER_TAG_KEY, Value: ctx.owner }];
    await ctx.client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: withOwner }));
  }
}
