import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { createAlias, deleteAlias, describeAlias, findAliasByConnectionString, waitUntilCreated, waitUntilGone } from './alias';
import { reconcileAssociation } from './association';
import { type ConnectionAliasContext, workspaces } from './client';
import { parseProperties, DesiredAlias } from './properties';
import { assertNoSharedAssociation } from './shared-account-guard';
import { handleAssociation } from './shared-association';
import { reconcileSharing } from './sharing';
import { describeTags, ownerMarker, reconcileTags } from './tags';
import { CONNECTION_ALIAS_ATTRIBUTES as ATTR } from '../../lib/private/connection-alias-properties';
import { OWNER_TAG_KEY, connectionAliasIdProblem } from '../../lib/private/validation';
import { boundByDeadline } from '../shared/bounded-client';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from '../shared/cloudformation';
import { describeError, isError } from '../shared/errors';
import { runHandler, until } from '../shared/handler';
import { retryServiceErrors } from '../shared/poll';
import { WORKSPACES_UNDO_RESERVE_MS, workDeadline } from '../shared/time-budget';

/** Served by the same function, so a stack with both constructs has one WorkSpaces handler. */
const ASSOCIATION_RESOURCE_TYPE = 'Custom::WorkSpacesConnectionAliasAssociation';

/** onEvent handler of Custom::WorkSpacesConnectionAlias for the custom-resources Provider framework. */
export function handler(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  if (event.ResourceType === ASSOCIATION_RESOURCE_TYPE) {
    return handleAssociation(event, context);
  }
  return runHandler<ConnectionAliasContext>(event, context, {
    context: (base) => ({ ...base, client: boundByDeadline(workspaces, base.deadline), owner: ownerMarker(event) }),
    onCreate,
    onUpdate,
    onDelete,
  });
}

function onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: ConnectionAliasContext): Promise<OnEventResponse> {
  return provision(ctx, parseProperties(event.ResourceProperties));
}

/** Tags, directory and share change in place; a new connection string (or a vanished alias) means a new alias. */
async function onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: ConnectionAliasContext): Promise<OnEventResponse> {
  const desired = parseProperties(event.ResourceProperties);
  const aliasId = event.PhysicalResourceId;
  const current = connectionAliasIdProblem(aliasId) ? undefined : await describeAlias(ctx, aliasId);
  const sameString = current?.ConnectionString?.toLowerCase() === desired.connectionString.toLowerCase();
  if (!current || current.State === 'DELETING' || !sameString) {
    ctx.log('replacing connection alias', { aliasId, connectionString: desired.connectionString, found: current?.State ?? 'none' });
    return provision(ctx, desired);
  }
  return configure(ctx, aliasId, desired);
}

async function onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: ConnectionAliasContext): Promise<OnEventResponse> {
  await remove(ctx, event.PhysicalResourceId);
  return { PhysicalResourceId: event.PhysicalResourceId };
}

/**
 * Brings an alias with the desired connection string into being and configures it. Used for Create, and for
 * an Update that changes the connection string (a replacement: CloudFormation deletes the old alias in its
 * cleanup phase, after the whole stack update succeeded, so a rollback can still return to it).
 */
async function provision(ctx: ConnectionAliasContext, desired: DesiredAlias): Promise<OnEventResponse> {
  const work = until(ctx, workDeadline(ctx.deadline, WORKSPACES_UNDO_RESERVE_MS));
  const { aliasId, created } = await obtainAlias(work, desired);
  try {
    return await configure(work, aliasId, desired);
  } catch (error) {
    // A failed Create gets the framework's marker id, and the Delete that follows is skipped, so what this
    // request made must go now or it leaks. An alias adopted in a Create is an earlier delivery's, so ours too.
    if (created || ctx.event.RequestType === 'Create') {
      throw await undoCreate(ctx, aliasId, error);
    }
    throw error;
  }
}

/**
 * Finds or creates the alias. WorkSpaces takes no ClientToken, so a redelivered event finds the alias that
 * an earlier delivery created by its connection string and owner tag. An alias that has the string but not
 * our owner tag belongs to someone else and is never adopted.
 */
async function obtainAlias(ctx: ConnectionAliasContext, desired: DesiredAlias): Promise<{ aliasId: string; created: boolean }> {
  let existing = await findAliasByConnectionString(ctx, desired.connectionString);
  if (existing?.State === 'DELETING' && existing.AliasId) {
    ctx.log('waiting for an alias with the same connection string to finish deleting', { aliasId: existing.AliasId });
    await waitUntilGone(ctx, existing.AliasId);
    existing = undefined;
  }
  if (existing?.AliasId) {
    await assertOwned(ctx, existing.AliasId, desired.connectionString);
    ctx.log('adopting the alias an earlier delivery of this request created', { aliasId: existing.AliasId });
    return { aliasId: existing.AliasId, created: false };
  }
  try {
    const aliasId = await createAlias(ctx, desired.connectionString, [...desired.tags, { Key: OWNER_TAG_KEY, Value: ctx.owner }]);
    ctx.log('created connection alias', { aliasId });
    return { aliasId, created: true };
  } catch (error) {
    if (!isError(error, 'ResourceAlreadyExistsException')) {
      throw error;
    }
    // The SDK retries a call whose response was lost; if the first attempt created the alias, the retry
    // meets it here. Ours (by owner tag) is adopted as made by this request; anyone else's is refused.
    const raced = await findAliasByConnectionString(ctx, desired.connectionString);
    if (raced?.AliasId) {
      await assertOwned(ctx, raced.AliasId, desired.connectionString);
      ctx.log('adopting the alias a retried CreateConnectionAlias made', { aliasId: raced.AliasId });
      return { aliasId: raced.AliasId, created: true };
    }
    // Connection strings are reserved per account across Regions: another Region or account may hold it.
    throw new Error(
      `Cannot create a connection alias for '${desired.connectionString}': ${describeError(error)}. ` +
      'A connection string stays reserved for the account that first created it.',
      { cause: error },
    );
  }
}

async function assertOwned(ctx: ConnectionAliasContext, aliasId: string, connectionString: string): Promise<void> {
  const { event } = ctx;
  const tags = await describeTags(ctx, aliasId);
  if (tags[OWNER_TAG_KEY] !== ctx.owner) {
    throw new Error(
      `Connection alias ${aliasId} already uses the connection string '${connectionString}' and was not created by ` +
      `${event.LogicalResourceId} in this stack, so it is not taken over. Refer to it with ` +
      `ConnectionAlias.fromConnectionAliasId(this, '${event.LogicalResourceId}', '${aliasId}'), or delete it first.`,
    );
  }
}

/** Waits for the alias to be usable, then makes its tags, share and association match the stack. */
async function configure(ctx: ConnectionAliasContext, aliasId: string, desired: DesiredAlias): Promise<OnEventResponse> {
  const alias = await waitUntilCreated(ctx, aliasId);
  await reconcileTags(ctx, aliasId, desired.tags);
  await reconcileSharing(ctx, aliasId, desired.sharedAccountId);
  const connectionIdentifier = await reconcileAssociation(ctx, aliasId, desired.directoryId);
  return {
    PhysicalResourceId: aliasId,
    Data: {
      [ATTR.aliasId]: aliasId,
      [ATTR.connectionString]: alias.ConnectionString ?? desired.connectionString,
      // Always present: Fn::GetAtt of a key missing from Data fails the deployment.
      [ATTR.connectionIdentifier]: connectionIdentifier,
    },
  };
}

/** Disassociates, unshares, deletes and waits until the alias is gone. An alias already gone is success. */
async function remove(ctx: ConnectionAliasContext, aliasId: string): Promise<void> {
  if (connectionAliasIdProblem(aliasId)) {
    // Not an id this handler returned (e.g. a hand-edited template): there is nothing of ours to delete.
    ctx.log('physical id is not a connection alias id; nothing to delete', { aliasId });
    return;
  }
  const alias = await describeAlias(ctx, aliasId);
  if (!alias) {
    ctx.log('connection alias already gone', { aliasId });
    return;
  }
  if (alias.State === 'DELETING') {
    return waitUntilGone(ctx, aliasId);
  }
  await waitUntilCreated(ctx, aliasId);
  await assertNoSharedAssociation(ctx, aliasId);
  await reconcileAssociation(ctx, aliasId, undefined);
  await reconcileSharing(ctx, aliasId, undefined);
  ctx.log('deleting connection alias', { aliasId });
  await deleteAlias(ctx, aliasId);
}

/**
 * Deletes what a failed Create made and returns the error to report, saying whether that worked. Throttling
 * and 5xx are retried until the answer deadline: the undo's reserve exists for exactly this.
 */
async function undoCreate(ctx: ConnectionAliasContext, aliasId: string, error: unknown): Promise<Error> {
  const reason = describeError(error);
  try {
    ctx.log('undoing the failed create', { aliasId, reason });
    await retryServiceErrors('the undo', () => remove(ctx, aliasId), ctx.deadline);
    return new Error(`${reason} (connection alias ${aliasId}, made for this request, was deleted again)`);
  } catch (undoError) {
    return new Error(
      `${reason}. Deleting connection alias ${aliasId} again also failed: ${describeError(undoError)}. It keeps its ` +
      `'${OWNER_TAG_KEY}' tag, so the next deployment of this resource adopts it; or delete it by hand.`,
    );
  }
}
