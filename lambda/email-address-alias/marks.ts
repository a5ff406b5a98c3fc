import { createHash } from 'node:crypto';
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-connect';
import { EMAIL_ADDRESS_MARK_KEYS as KEYS } from '../../lib/private/email-address-alias-properties';
import { describeError } from '../shared/errors';
import { claimOf, type Claim, handBackMarks, type Owner, ownMarks, releaseOf, takeoverMarks } from '../shared/ownership';
import { type AddressState, type EmailAliasContext } from './association';
import type { AliasPair } from './properties';

// Connect gives an association no owner, so the handler marks both addresses of every pair it manages
// (lambda/shared/ownership.ts is the protocol). The marks go on before the association is made: the role may
// disassociate only addresses that carry its stack's marks, and a failed Create must be able to undo.

const ALL_KEYS = [KEYS.owner, KEYS.stack, KEYS.previousOwner, KEYS.pair];

/** The value of the `pair` mark: which pair the marks on an address are for. */
export function pairMark(pair: AliasPair): string {
  const clear = `${pair.primaryId}/${pair.aliasId}`;
  // Tag values hold 256 characters; ids are UUIDs in practice, but the API allows longer ones.
  return clear.length <= 256 ? clear : createHash('sha256').update(clear).digest('hex');
}

/** How a Create (or a move) holds the pair: what it found on both addresses. */
export interface PairClaim {
  readonly kind: 'unmarked' | 'own' | 'renamed';
  readonly fromMarker?: string;
  readonly primary: AddressState;
  readonly alias: AddressState;
}

/** What `markPair` changed, so that a failed request can put the marks back. */
export interface MarksBefore {
  readonly address: AddressState;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Decides whether this resource may take the pair, before anything changes. Refuses an address another
 * stack marked (naming it), an address another resource of this stack holds for another pair, and an
 * association made by hand (unmarked but associated): it is never adopted. `adoptUnmarked` is for an Update
 * of an unchanged pair: this resource has held it all along, written by a version that did not mark it.
 */
export function claimPair(pair: AliasPair, primary: AddressState, alias: AddressState, owner: Owner, adoptUnmarked = false): PairClaim {
  const claims: Array<[AddressState, Claim]> = [[primary, claimOf(primary.tags, owner, KEYS)], [alias, claimOf(alias.tags, owner, KEYS)]];
  for (const [address, claim] of claims) {
    if (claim.kind === 'foreign') {
      throw new Error(
        `Email address ${describe(address)} in instance ${pair.instanceId} belongs to an EmailAddressAlias of stack ${claim.stackName ?? '(unknown)'} ` +
        `(its ${KEYS.stack} tag); it is not taken over. Remove it from that stack first, or declare another pair here.`,
      );
    }
    if (claim.kind === 'renamed' && address.tags[KEYS.pair] !== undefined && address.tags[KEYS.pair] !== pairMark(pair)) {
      throw new Error(
        `Email address ${describe(address)} in instance ${pair.instanceId} is held by another EmailAddressAlias of this stack for the pair ` +
        `${address.tags[KEYS.pair]}; Amazon Connect allows an address in one pair only.`,
      );
    }
  }
  const renamed = claims.find(([, claim]) => claim.kind === 'renamed');
  if (renamed) {
    return { kind: 'renamed', fromMarker: (renamed[1] as { fromMarker: string }).fromMarker, primary, alias };
  }
  if (claims.some(([, claim]) => claim.kind === 'own')) {
    return { kind: 'own', primary, alias };
  }
  if (primary.aliases.includes(pair.aliasId) && !adoptUnmarked) {
    throw new Error(
      `Email address ${describe(alias)} is already the alias of ${describe(primary)} in instance ${pair.instanceId}, but that association ` +
      'carries no cdk-aliases marks: it was made by hand or by other tooling, and is not adopted. Disassociate it by hand ' +
      'and deploy again, or remove this EmailAddressAlias from the stack.',
    );
  }
  return { kind: 'unmarked', primary, alias };
}

/** Sets the marks the claim calls for on both addresses (those already right are left alone). */
export async function markPair(ctx: EmailAliasContext, pair: AliasPair, claim: PairClaim, owner: Owner): Promise<MarksBefore[]> {
  const marks = {
    ...(claim.kind === 'renamed' ? takeoverMarks(owner, claim.fromMarker!, KEYS) : ownMarks(owner, KEYS)),
    [KEYS.pair]: pairMark(pair),
  };
  const changed: MarksBefore[] = [];
  for (const address of [claim.primary, claim.alias]) {
    if (Object.entries(marks).some(([key, value]) => address.tags[key] !== value)) {
      if (claim.kind === 'renamed') {
        ctx.log('Taking the pair over from the renamed resource', { emailAddressId: address.id, from: claim.fromMarker });
      }
      await tag(ctx, address, marks);
      changed.push({ address, tags: address.tags });
    }
  }
  return changed;
}

/** Puts back the marks `markPair` changed: a failed Create hands a taken-over pair back and unmarks a new one. */
export async function restoreMarks(ctx: EmailAliasContext, changed: readonly MarksBefore[]): Promise<void> {
  for (const { address, tags } of changed) {
    const kept = Object.fromEntries(ALL_KEYS.filter((key) => tags[key] !== undefined).map((key) => [key, tags[key]]));
    if (Object.keys(kept).length > 0) {
      await tag(ctx, address, kept);
    }
    const added = ALL_KEYS.filter((key) => tags[key] === undefined);
    await untag(ctx, address, added);
  }
}

/** What a Delete does with the pair's marks. `disassociate` is told to remove the association when it should. */
export async function releasePair(
  ctx: EmailAliasContext,
  pair: AliasPair,
  primary: AddressState | undefined,
  alias: AddressState | undefined,
  owner: Owner,
  disassociate: () => Promise<unknown>,
): Promise<void> {
  // Addresses whose marks are for this pair. An address this resource kept for its new pair (the primary of an
  // alias swap) is marked for that pair now, and keeps its marks.
  const mine = [primary, alias].filter((address): address is AddressState =>
    address !== undefined && address.tags[KEYS.owner] !== undefined && (address.tags[KEYS.pair] ?? pairMark(pair)) === pairMark(pair));
  if (mine.length === 0) {
    ctx.log('Leaving the pair alone: no address carries marks for it (made by hand, or already released)', { ...pair });
    return;
  }
  const release = releaseOf(mine[0].tags, owner, KEYS);
  switch (release.kind) {
    case 'remove':
      if (primary?.aliases.includes(pair.aliasId)) {
        await disassociate();
      } else {
        ctx.log('Alias not associated; skipping DisassociateEmailAddressAlias', { ...pair, current: primary?.aliases });
      }
      for (const address of mine) {
        await untag(ctx, address, ALL_KEYS.filter((key) => address.tags[key] !== undefined));
      }
      return;
    case 'hand-back':
      // The rollback of a rename: the pair goes back to the old resource as it is.
      ctx.log('Handing the pair back to the resource it was taken over from', { ...pair });
      for (const address of mine) {
        await tag(ctx, address, handBackMarks(owner, release.toMarker, KEYS));
        await untag(ctx, address, [KEYS.previousOwner]);
      }
      return;
    case 'confirm-handover':
      ctx.log('The pair was taken over by the renamed resource; confirming, leaving the association', { ...pair });
      for (const address of mine) {
        await untag(ctx, address, [KEYS.previousOwner]);
      }
      return;
    case 'leave':
      ctx.log(`Leaving the pair alone: ${release.reason}`, { ...pair });
  }
}

async function tag(ctx: EmailAliasContext, address: AddressState, tags: Record<string, string>): Promise<void> {
  try {
    await ctx.client.send(new TagResourceCommand({ resourceArn: address.arn, tags }));
  } catch (error) {
    throw new Error(`TagResource (email address ${address.id}) failed: ${describeError(error)}`, { cause: error });
  }
}

async function untag(ctx: EmailAliasContext, address: AddressState, keys: string[]): Promise<void> {
  if (keys.length === 0) {
    return;
  }
  try {
    await ctx.client.send(new UntagResourceCommand({ resourceArn: address.arn, tagKeys: keys }));
  } catch (error) {
    throw new Error(`UntagResource (email address ${address.id}) failed: ${describeError(error)}`, { cause: error });
  }
}

function describe(address: AddressState): string {
  return address.emailAddress ? `${address.emailAddress} (${address.id})` : address.id;
}
