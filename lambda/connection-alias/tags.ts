import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import { ALIAS_KEYS, type ConnectionAliasContext } from './client';
import { RESERVED_TAG_PREFIX } from '../../lib/private/validation';
import { ownMarks } from '../shared/ownership';

type Tag = { Key: string; Value: string };

/** The alias's tags as a map. */
export async function describeTags(ctx: ConnectionAliasContext, aliasId: string): Promise<Record<string, string>> {
  const response = await ctx.client.send(new DescribeTagsCommand({ ResourceId: aliasId }));
  return Object.fromEntries((response.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/**
 * Sets `tags` on the alias. The stack tag rides along with every CreateTags: the handler's IAM policy allows
 * tagging only in requests that carry its own stack's name (CreateTags takes no resource ARN, so a request tag
 * condition is the only scope IAM offers).
 */
export async function setTags(ctx: ConnectionAliasContext, aliasId: string, tags: Record<string, string>): Promise<void> {
  const withStack = { ...tags, [ALIAS_KEYS.stack]: ctx.owner.stackName };
  ctx.log('setting tags', { aliasId, keys: Object.keys(withStack) });
  await ctx.client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: Object.entries(withStack).map(([Key, Value]) => ({ Key, Value })) }));
}

/** Removes the tags with these keys (never the owner or stack tag: the IAM policy refuses that). */
export async function deleteTags(ctx: ConnectionAliasContext, aliasId: string, keys: string[]): Promise<void> {
  ctx.log('removing tags', { aliasId, keys });
  await ctx.client.send(new DeleteTagsCommand({ ResourceId: aliasId, TagKeys: keys }));
}

/**
 * Makes the alias's user tags exactly `desired`, in place (CloudFormation's own ConnectionAlias replaces the
 * alias for any tag change), and its marks this resource's. Every `cdk-aliases:` key is the library's and
 * `aws:` keys are AWS's: neither is ever removed as a user tag (a pending previous-owner mark stays until the
 * renamed resource's cleanup Delete confirms the handover).
 */
export async function reconcileTags(ctx: ConnectionAliasContext, aliasId: string, desired: ReadonlyArray<Tag>): Promise<void> {
  const current = await describeTags(ctx, aliasId);
  const wanted = new Map(desired.map((tag) => [tag.Key, tag.Value]));
  for (const [key, value] of Object.entries(ownMarks(ctx.owner, ALIAS_KEYS))) {
    wanted.set(key, value);
  }
  const removed = Object.keys(current).filter((key) => !wanted.has(key) && !isReserved(key));
  const changed = [...wanted].filter(([key, value]) => current[key] !== value);
  // Delete before create so that swapping keys never trips the 50-tag limit.
  if (removed.length > 0) {
    await deleteTags(ctx, aliasId, removed);
  }
  if (changed.length > 0) {
    await setTags(ctx, aliasId, Object.fromEntries(changed));
  }
}

function isReserved(key: string): boolean {
  return key.startsWith('aws:') || key.startsWith(RESERVED_TAG_PREFIX);
}
