import {
  AssociateEmailAddressAliasCommand,
  type ConnectClient,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
} from '@aws-sdk/client-connect';
import { describeError, errorName, isError } from '../shared/errors';
import type { RequestContext } from '../shared/handler';
import { changeUnlessDone, pollUntil } from '../shared/poll';
import { CONFLICT_RETRY_MS } from '../shared/time-budget';
import type { TokenOperation } from './client-token';
import type { AliasPair } from './properties';

/** What the steps of one Custom::ConnectEmailAddressAlias request share. */
export interface EmailAliasContext extends RequestContext<ConnectClient> {
  /** The deterministic ClientToken for `operation` on `pair` in this request. */
  readonly token: (operation: TokenOperation, pair: AliasPair) => string;
}

/**
 * Associates `pair` unless Describe already shows it (always, if `knownAbsent`: this request removed it,
 * whatever a lagging Describe still shows). Returns true if this call associated it; does not wait for
 * Describe to show it. Fails, without touching it, if the primary already has another alias.
 */
export async function associate(ctx: EmailAliasContext, pair: AliasPair, knownAbsent = false, firstLook?: readonly string[]): Promise<boolean> {
  const what = `AssociateEmailAddressAlias (alias ${pair.aliasId} to email address ${pair.primaryId})`;
  let look = firstLook;
  try {
    return await changeUnlessDone(
      what,
      {
        // The first look may come from the caller's own Describe; every retry looks again.
        needed: knownAbsent ? async () => true : () => associationNeeded(ctx, pair, take()),
        change: () =>
          ctx.client.send(
            new AssociateEmailAddressAliasCommand({
              InstanceId: pair.instanceId,
              EmailAddressId: pair.primaryId,
              AliasConfiguration: { EmailAddressId: pair.aliasId },
              ClientToken: ctx.token('AssociateEmailAddressAlias', pair),
            }),
          ),
      },
      isLockConflict,
      ctx.deadline.atMost(CONFLICT_RETRY_MS),
    );
  } catch (error) {
    throw failure(what, error);
  }

  function take(): readonly string[] | undefined {
    const seen = look;
    look = undefined;
    return seen;
  }
}

/** Looks before associating: false if the pair is there already; throws if the primary has another alias. */
async function associationNeeded(ctx: EmailAliasContext, pair: AliasPair, seen?: readonly string[]): Promise<boolean> {
  const aliases = seen ?? await aliasesOf(ctx, pair);
  if (aliases.includes(pair.aliasId)) {
    // A redelivered request whose first run got this far, an identical Update, or a drift check that found nothing.
    ctx.log('Alias already associated; skipping AssociateEmailAddressAlias', { ...pair });
    return false;
  }
  if (aliases.length > 0) {
    // One alias per address; the other one is not ours to remove.
    throw new Error(
      `Email address ${pair.primaryId} already has the alias ${aliases.join(', ')}; Amazon Connect allows one alias per address. ` +
        'Disassociate that alias first, or declare that pair in the stack instead of this one.',
    );
  }
  ctx.log('Associating alias', { ...pair });
  return true;
}

/** Waits until Describe shows the pair: only then do dependants see it too (Describe is eventually consistent). */
export async function waitUntilAssociated(ctx: EmailAliasContext, pair: AliasPair): Promise<void> {
  await pollUntil(
    `alias ${pair.aliasId} to appear on email address ${pair.primaryId}`,
    async () => {
      const now = await aliasesOf(ctx, pair);
      return { done: now.includes(pair.aliasId), status: aliasesStatus(now) };
    },
    ctx.deadline,
  );
  ctx.log('Alias associated', { ...pair });
}

/** Associates the pair if needed and waits until Describe shows it. Returns true if this call associated it. */
export async function ensureAssociated(ctx: EmailAliasContext, pair: AliasPair, knownAbsent = false): Promise<boolean> {
  const associated = await associate(ctx, pair, knownAbsent);
  if (associated) {
    await waitUntilAssociated(ctx, pair);
  }
  return associated;
}

/**
 * Disassociates `pair` if, and only if, the primary still lists this alias (or `knownAssociated`: this
 * request associated it, whatever a lagging Describe shows). Returns true if this call removed it; does not
 * wait for Describe. Decides from Describe rather than from error classes, which Connect does not document here.
 */
export async function disassociate(ctx: EmailAliasContext, pair: AliasPair, knownAssociated = false): Promise<boolean> {
  const what = `DisassociateEmailAddressAlias (alias ${pair.aliasId} from email address ${pair.primaryId})`;
  try {
    return await changeUnlessDone(
      what,
      {
        needed: knownAssociated ? async () => true : () => disassociationNeeded(ctx, pair),
        change: () =>
          ctx.client.send(
            new DisassociateEmailAddressAliasCommand({
              InstanceId: pair.instanceId,
              EmailAddressId: pair.primaryId,
              AliasConfiguration: { EmailAddressId: pair.aliasId },
              ClientToken: ctx.token('DisassociateEmailAddressAlias', pair),
            }),
          ),
      },
      isLockConflict,
      ctx.deadline.atMost(CONFLICT_RETRY_MS),
    );
  } catch (error) {
    if (!isError(error, 'ResourceNotFoundException')) {
      throw failure(what, error);
    }
    // Not found may mean the address, the alias or the association went away meanwhile (all fine for us),
    // or something else; only Describe can tell which.
    const now = await aliasesIfExists(ctx, pair);
    if (now !== undefined && now.includes(pair.aliasId)) {
      throw failure(what, error);
    }
    ctx.log('Alias was already gone when disassociating', { ...pair });
    return false;
  }
}

/** Looks before disassociating: false if the address is gone or no longer lists this alias. */
async function disassociationNeeded(ctx: EmailAliasContext, pair: AliasPair): Promise<boolean> {
  const aliases = await aliasesIfExists(ctx, pair);
  if (aliases === undefined) {
    // Deleting an email address (or the instance) removes its alias relationships with it.
    ctx.log('Email address not found; no alias to remove', { ...pair });
    return false;
  }
  if (!aliases.includes(pair.aliasId)) {
    // Already removed, or the primary now has another alias: a replacement Update made a new association
    // and this is CloudFormation's cleanup Delete of the old physical id, which must leave the new one alone.
    ctx.log('Alias not associated; skipping DisassociateEmailAddressAlias', { ...pair, current: aliases });
    return false;
  }
  ctx.log('Disassociating alias', { ...pair });
  return true;
}

/** Waits until Describe no longer shows the pair (or the address is gone). */
export async function waitUntilDisassociated(ctx: EmailAliasContext, pair: AliasPair): Promise<void> {
  await pollUntil(
    `alias ${pair.aliasId} to be removed from email address ${pair.primaryId}`,
    async () => {
      const now = await aliasesIfExists(ctx, pair);
      return { done: now === undefined || !now.includes(pair.aliasId), status: aliasesStatus(now) };
    },
    ctx.deadline,
  );
  ctx.log('Alias disassociated', { ...pair });
}

/** Disassociates the pair if needed and waits until Describe no longer shows it. True if this call removed it. */
export async function ensureDisassociated(ctx: EmailAliasContext, pair: AliasPair, knownAssociated = false): Promise<boolean> {
  const removed = await disassociate(ctx, pair, knownAssociated);
  if (removed) {
    await waitUntilDisassociated(ctx, pair);
  }
  return removed;
}

/** The aliases of the pair's primary address. Any error, including a missing address, fails the request. */
async function aliasesOf(ctx: EmailAliasContext, pair: AliasPair): Promise<string[]> {
  try {
    return await describeAliases(ctx, pair);
  } catch (error) {
    throw failure(describeWhat(pair), error);
  }
}

/** The aliases of the pair's primary address, or undefined if the address or the instance does not exist. */
async function aliasesIfExists(ctx: EmailAliasContext, pair: AliasPair): Promise<string[] | undefined> {
  try {
    return await describeAliases(ctx, pair);
  } catch (error) {
    if (isError(error, 'ResourceNotFoundException')) {
      return undefined;
    }
    throw failure(describeWhat(pair), error);
  }
}

/** DescribeEmailAddress on the primary: its AliasConfigurations (0 or 1 items) is the association's truth. */
async function describeAliases(ctx: EmailAliasContext, pair: AliasPair): Promise<string[]> {
  return (await describeAddress(ctx, pair.instanceId, pair.primaryId)).aliases;
}

/** One email address as DescribeEmailAddress shows it. */
export interface AddressState {
  readonly id: string;
  readonly arn: string;
  readonly emailAddress?: string;
  /** Its alias, if it is a primary (0 or 1 items). */
  readonly aliases: string[];
  readonly tags: Readonly<Record<string, string>>;
}

async function describeAddress(ctx: EmailAliasContext, instanceId: string, emailAddressId: string): Promise<AddressState> {
  const output = await ctx.client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: emailAddressId }));
  return {
    id: emailAddressId,
    arn: output.EmailAddressArn ?? '',
    emailAddress: output.EmailAddress,
    aliases: (output.AliasConfigurations ?? []).flatMap((config) => (config.EmailAddressId ? [config.EmailAddressId] : [])),
    tags: output.Tags ?? {},
  };
}

/** The address, which must exist: any error, a missing address too, fails the request. */
export async function lookAt(ctx: EmailAliasContext, instanceId: string, emailAddressId: string): Promise<AddressState> {
  try {
    return await describeAddress(ctx, instanceId, emailAddressId);
  } catch (error) {
    throw failure(`DescribeEmailAddress (email address ${emailAddressId} in instance ${instanceId})`, error);
  }
}

/**
 * The address, or undefined if it (or its instance) no longer exists, or if this stack's role may not see it:
 * outside the declared instance the role may read only addresses that carry this stack's marks, so a denial
 * there means the address holds nothing of this stack's (the propagation grace has already been waited out).
 */
export async function lookAtIfExists(ctx: EmailAliasContext, instanceId: string, emailAddressId: string): Promise<AddressState | undefined> {
  try {
    return await describeAddress(ctx, instanceId, emailAddressId);
  } catch (error) {
    if (isError(error, 'ResourceNotFoundException')) {
      return undefined;
    }
    if (isError(error, 'AccessDeniedException')) {
      ctx.log('Email address not readable with this stack\'s permissions; it carries none of its marks', { instanceId, emailAddressId, reason: describeError(error) });
      return undefined;
    }
    throw failure(`DescribeEmailAddress (email address ${emailAddressId} in instance ${instanceId})`, error);
  }
}

/** Connect locks both addresses while an alias changes: a concurrent change gets a 409 that clears. */
function isLockConflict(error: unknown): boolean {
  return isError(error, 'ResourceConflictException');
}

/** An Error for CloudFormation's status reason: what we were doing and the service's own message. */
function failure(what: string, error: unknown): Error {
  // Our own errors (e.g. retryWhileTransient giving up) already say what failed.
  // The cause keeps the service's error, so that an undo still knows a throttled call may be sent again.
  return errorName(error) === 'Error' && error instanceof Error ? error : new Error(`${what} failed: ${describeError(error)}`, { cause: error });
}

/** Names the Describe call in errors. */
function describeWhat(pair: AliasPair): string {
  return `DescribeEmailAddress (email address ${pair.primaryId} in instance ${pair.instanceId})`;
}

/** The last seen state, quoted if a wait times out. */
function aliasesStatus(aliases: string[] | undefined): string {
  if (aliases === undefined) {
    return 'email address not found';
  }
  return aliases.length === 0 ? 'no alias' : `aliases [${aliases.join(', ')}]`;
}
