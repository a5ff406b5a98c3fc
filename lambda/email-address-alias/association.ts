import {
  AssociateEmailAddressAliasCommand,
  type ConnectClient,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
} from '@aws-sdk/client-connect';
import { Deadline } from '../shared/deadline';
import { describeError, errorName, isError } from '../shared/errors';
import type { Log } from '../shared/log';
import { pollUntil, retryWhileTransient } from '../shared/poll';
import type { TokenOperation } from './client-token';
import type { AliasPair } from './properties';

/**
 * How long a ResourceConflictException is retried. Connect locks both addresses while an alias changes, so a
 * concurrent change gets a 409 that clears in seconds; one that lasts longer is a real conflict (e.g. the
 * alias is already in use) and should fail with the service's message, not eat the whole budget.
 */
export const CONFLICT_RETRY_MS = 60_000;

/** What the Connect calls of one request share. */
export interface AliasContext {
  readonly connect: ConnectClient;
  readonly deadline: Deadline;
  readonly log: Log;
  /** The deterministic ClientToken for `operation` on `pair` in this request. */
  readonly token: (operation: TokenOperation, pair: AliasPair) => string;
  /** What this request changed so far, for undoing it if it fails (Describe may not show it yet). */
  readonly progress?: { associated: boolean; removed: boolean };
}

/**
 * Makes sure `pair` is associated, associating it if needed (always, if `knownAbsent`), and returns once
 * Describe shows it. Fails, without touching it, if the primary already has another alias.
 */
export async function ensureAssociated(ctx: AliasContext, pair: AliasPair, knownAbsent = false): Promise<void> {
  // Restoring what this request removed, Describe may still show it: then what we did is what counts.
  const aliases = knownAbsent ? [] : await aliasesOf(ctx, pair);
  if (aliases.includes(pair.aliasId)) {
    // A redelivered request whose first run got this far, an identical Update, or a drift check that found nothing.
    ctx.log('Alias already associated; skipping AssociateEmailAddressAlias', { ...pair });
    return;
  }
  if (aliases.length > 0) {
    // One alias per address; the other one is not ours to remove.
    throw new Error(
      `Email address ${pair.primaryId} already has the alias ${aliases.join(', ')}; Amazon Connect allows one alias per address. ` +
        'Disassociate that alias first, or declare that pair in the stack instead of this one.',
    );
  }
  ctx.log('Associating alias', { ...pair });
  const what = `AssociateEmailAddressAlias (alias ${pair.aliasId} to email address ${pair.primaryId})`;
  try {
    await retryOnConflict(ctx, what, () =>
      ctx.connect.send(
        new AssociateEmailAddressAliasCommand({
          InstanceId: pair.instanceId,
          EmailAddressId: pair.primaryId,
          AliasConfiguration: { EmailAddressId: pair.aliasId },
          ClientToken: ctx.token('AssociateEmailAddressAlias', pair),
        }),
      ),
    );
  } catch (error) {
    throw failure(what, error);
  }
  if (ctx.progress) {
    ctx.progress.associated = true;
  }
  // Describe is eventually consistent: only report success once it shows the alias, so dependants see it too.
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

/**
 * Removes `pair` if, and only if, the primary still lists this alias (or `knownAssociated`: this request
 * associated it), and returns once Describe no longer shows it. Decides from Describe rather than from
 * error classes, which Connect does not document here.
 */
export async function removeAssociation(ctx: AliasContext, pair: AliasPair, knownAssociated = false): Promise<boolean> {
  // Undoing this request's own Associate, Describe may not show it yet: then what we did is what counts.
  const aliases = knownAssociated ? [pair.aliasId] : await aliasesIfExists(ctx, pair);
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
  const what = `DisassociateEmailAddressAlias (alias ${pair.aliasId} from email address ${pair.primaryId})`;
  try {
    await retryOnConflict(ctx, what, () =>
      ctx.connect.send(
        new DisassociateEmailAddressAliasCommand({
          InstanceId: pair.instanceId,
          EmailAddressId: pair.primaryId,
          AliasConfiguration: { EmailAddressId: pair.aliasId },
          ClientToken: ctx.token('DisassociateEmailAddressAlias', pair),
        }),
      ),
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
  if (ctx.progress) {
    ctx.progress.removed = true;
  }
  await pollUntil(
    `alias ${pair.aliasId} to be removed from email address ${pair.primaryId}`,
    async () => {
      const now = await aliasesIfExists(ctx, pair);
      return { done: now === undefined || !now.includes(pair.aliasId), status: aliasesStatus(now) };
    },
    ctx.deadline,
  );
  ctx.log('Alias disassociated', { ...pair });
  return true;
}

/** The aliases of the pair's primary address. Any error, including a missing address, fails the request. */
async function aliasesOf(ctx: AliasContext, pair: AliasPair): Promise<string[]> {
  try {
    return await describeAliases(ctx, pair);
  } catch (error) {
    throw failure(describeWhat(pair), error);
  }
}

/** The aliases of the pair's primary address, or undefined if the address or the instance does not exist. */
async function aliasesIfExists(ctx: AliasContext, pair: AliasPair): Promise<string[] | undefined> {
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
async function describeAliases(ctx: AliasContext, pair: AliasPair): Promise<string[]> {
  const output = await ctx.connect.send(
    new DescribeEmailAddressCommand({ InstanceId: pair.instanceId, EmailAddressId: pair.primaryId }),
  );
  return (output.AliasConfigurations ?? []).flatMap((config) => (config.EmailAddressId ? [config.EmailAddressId] : []));
}

/** Retries `call` while Connect reports a lock conflict, for at most CONFLICT_RETRY_MS. */
function retryOnConflict<T>(ctx: AliasContext, what: string, call: () => Promise<T>): Promise<T> {
  const bound = new Deadline(Math.min(ctx.deadline.at, Date.now() + CONFLICT_RETRY_MS));
  return retryWhileTransient(what, call, (error) => isError(error, 'ResourceConflictException'), bound);
}

/** An Error for CloudFormation's status reason: what we were doing and the service's own message. */
function failure(what: string, error: unknown): Error {
  // Our own errors (e.g. retryWhileTransient giving up) already say what failed.
  return errorName(error) === 'Error' && error instanceof Error ? error : new Error(`${what} failed: ${describeError(error)}`);
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
