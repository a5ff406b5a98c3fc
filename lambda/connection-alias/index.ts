import { createAlias, deleteAlias, describeAlias, findAliasByConnectionString, waitUntilCreated, waitUntilGone } from './alias';
import { reconcileAssociation } from './association';
import { parseProperties, DesiredAlias } from './properties';
import { reconcileSharing } from './sharing';
import { describeTags, ownerMarker, reconcileTags } from './tags';
import { CONNECTION_ALIAS_ATTRIBUTES as ATTR } from '../../lib/private/connection-alias-properties';
import { OWNER_TAG_KEY, connectionAliasIdProblem } from '../../lib/private/validation';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from '../shared/cloudformation';
import { Deadline } from '../shared/deadline';
import { describeError, isError } from '../shared/errors';
import { Log, loggerFor } from '../shared/log';

/** Time kept after the last wait so the handler can still answer before Lambda stops it (at most 10 %). */
const ANSWER_RESERVE_MS = 20_000;
/** Time kept back during a Create for undoing it if it fails (see undoCreate), at most a quarter. */
const UNDO_RESERVE_MS = 120_000;

export async function handler(event: CustomResourceEvent, context: LambdaContextLike): Promise<OnEventResponse> {
  const log = loggerFor(event);
  try {
    const reserve = Math.min(ANSWER_RESERVE_MS, context.getRemainingTimeInMillis() / 10);
    return await dispatch(event, Deadline.fromContext(context, reserve), log);
  } catch (error) {
    // The message becomes CloudFormation's FAILED reason: keep the service's error name with its message.
    log('failed', { reason: describeError(error) });
    throw new Error(describeError(error), { cause: error });
  }
}

async function dispatch(event: CustomResourceEvent, deadline: Deadline, log: Log): Promise<OnEventResponse> {
  switch (event.RequestType) {
    case 'Create':
      return provision(event, parseProperties(event.ResourceProperties), deadline, log);
    case 'Update':
      return update(event, parseProperties(event.ResourceProperties), deadline, log);
    case 'Delete':
      await remove(event.PhysicalResourceId, deadline, log);
      return { PhysicalResourceId: event.PhysicalResourceId };
    default:
      throw new Error(`Unknown request type ${(event as { RequestType: string }).RequestType}`);
  }
}

/**
 * Brings an alias with the desired connection string into being and configures it. Used for Create, and for
 * an Update that changes the connection string (a replacement: CloudFormation deletes the old alias in its
 * cleanup phase, after the whole stack update succeeded, so a rollback can still return to it).
 */
async function provision(event: CustomResourceEvent, desired: DesiredAlias, deadline: Deadline, log: Log): Promise<OnEventResponse> {
  const owner = ownerMarker(event);
  const workDeadline = deadline.earlierBy(Math.min(UNDO_RESERVE_MS, deadline.remainingMs() / 4));
  const { aliasId, created } = await obtainAlias(event, desired, owner, workDeadline, log);
  try {
    return await configure(aliasId, desired, owner, workDeadline, log);
  } catch (error) {
    // A failed Create gets the framework's marker id, and the Delete that follows is skipped, so what this
    // request made must go now or it leaks. An alias adopted in a Create is an earlier delivery's, so ours too.
    if (created || event.RequestType === 'Create') {
      throw await undoCreate(aliasId, error, deadline, log);
    }
    throw error;
  }
}

/**
 * Finds or creates the alias. WorkSpaces takes no ClientToken, so a redelivered event finds the alias that
 * an earlier delivery created by its connection string and owner tag. An alias that has the string but not
 * our owner tag belongs to someone else and is never adopted.
 */
async function obtainAlias(
  event: CustomResourceEvent,
  desired: DesiredAlias,
  owner: string,
  deadline: Deadline,
  log: Log,
): Promise<{ aliasId: string; created: boolean }> {
  let existing = await findAliasByConnectionString(desired.connectionString);
  if (existing?.State === 'DELETING' && existing.AliasId) {
    log('waiting for an alias with the same connection string to finish deleting', { aliasId: existing.AliasId });
    await waitUntilGone(existing.AliasId, deadline);
    existing = undefined;
  }
  if (existing?.AliasId) {
    await assertOwned(existing.AliasId, desired.connectionString, owner, event);
    log('adopting the alias an earlier delivery of this request created', { aliasId: existing.AliasId });
    return { aliasId: existing.AliasId, created: false };
  }
  try {
    const aliasId = await createAlias(desired.connectionString, [...desired.tags, { Key: OWNER_TAG_KEY, Value: owner }]);
    log('created connection alias', { aliasId });
    return { aliasId, created: true };
  } catch (error) {
    if (!isError(error, 'ResourceAlreadyExistsException')) {
      throw error;
    }
    // The SDK retries a call whose response was lost; if the first attempt created the alias, the retry
    // meets it here. Ours (by owner tag) is adopted as made by this request; anyone else's is refused.
    const raced = await findAliasByConnectionString(desired.connectionString);
    if (raced?.AliasId) {
      await assertOwned(raced.AliasId, desired.connectionString, owner, event);
      log('adopting the alias a retried CreateConnectionAlias made', { aliasId: raced.AliasId });
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

async function assertOwned(aliasId: string, connectionString: string, owner: string, event: CustomResourceEvent): Promise<void> {
  const tags = await describeTags(aliasId);
  if (tags[OWNER_TAG_KEY] !== owner) {
    throw new Error(
      `Connection alias ${aliasId} already uses the connection string '${connectionString}' and was not created by ` +
      `${event.LogicalResourceId} in this stack, so it is not taken over. Refer to it with ` +
      `ConnectionAlias.fromConnectionAliasId(this, '${event.LogicalResourceId}', '${aliasId}'), or delete it first.`,
    );
  }
}

/** Waits for the alias to be usable, then makes its tags, share and association match the stack. */
async function configure(aliasId: string, desired: DesiredAlias, owner: string, deadline: Deadline, log: Log): Promise<OnEventResponse> {
  const alias = await waitUntilCreated(aliasId, deadline);
  await reconcileTags(aliasId, desired.tags, owner, log);
  await reconcileSharing(aliasId, desired.sharedAccountId, deadline, log);
  const connectionIdentifier = await reconcileAssociation(aliasId, desired.directoryId, deadline, log);
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

/** Tags, directory and share change in place; a new connection string (or a vanished alias) means a new alias. */
async function update(
  event: CustomResourceEvent & { PhysicalResourceId: string },
  desired: DesiredAlias,
  deadline: Deadline,
  log: Log,
): Promise<OnEventResponse> {
  const aliasId = event.PhysicalResourceId;
  const current = connectionAliasIdProblem(aliasId) ? undefined : await describeAlias(aliasId);
  const sameString = current?.ConnectionString?.toLowerCase() === desired.connectionString.toLowerCase();
  if (!current || current.State === 'DELETING' || !sameString) {
    log('replacing connection alias', { aliasId, connectionString: desired.connectionString, found: current?.State ?? 'none' });
    return provision(event, desired, deadline, log);
  }
  return configure(aliasId, desired, ownerMarker(event), deadline, log);
}

/** Unshares, disassociates, deletes and waits until the alias is gone. An alias already gone is success. */
async function remove(aliasId: string, deadline: Deadline, log: Log): Promise<void> {
  if (connectionAliasIdProblem(aliasId)) {
    // Not an id this handler returned (e.g. a hand-edited template): there is nothing of ours to delete.
    log('physical id is not a connection alias id; nothing to delete', { aliasId });
    return;
  }
  const alias = await describeAlias(aliasId);
  if (!alias) {
    log('connection alias already gone', { aliasId });
    return;
  }
  if (alias.State === 'DELETING') {
    return waitUntilGone(aliasId, deadline);
  }
  await waitUntilCreated(aliasId, deadline);
  await reconcileAssociation(aliasId, undefined, deadline, log);
  await reconcileSharing(aliasId, undefined, deadline, log);
  log('deleting connection alias', { aliasId });
  await deleteAlias(aliasId, deadline);
}

/** Deletes what a failed Create made and returns the error to report, saying whether that worked. */
async function undoCreate(aliasId: string, error: unknown, deadline: Deadline, log: Log): Promise<Error> {
  const reason = describeError(error);
  try {
    log('undoing the failed create', { aliasId, reason });
    await remove(aliasId, deadline, log);
    return new Error(`${reason} (connection alias ${aliasId}, made for this request, was deleted again)`);
  } catch (undoError) {
    return new Error(
      `${reason}. Deleting connection alias ${aliasId} again also failed: ${describeError(undoError)}. It keeps its ` +
      `'${OWNER_TAG_KEY}' tag, so the next deployment of this resource adopts it; or delete it by hand.`,
    );
  }
}
