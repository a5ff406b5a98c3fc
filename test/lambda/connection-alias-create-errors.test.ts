// Settling and permanent service errors during a Create: what is retried, what fails at once (and is undone).
import {
  AccessDeniedException,
  AssociateConnectionAliasCommand,
  DisassociateConnectionAliasCommand,
  InvalidParameterValuesException,
  OperationNotSupportedException,
  ResourceAssociatedException,
  ResourceLimitExceededException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  DIRECTORY,
  SHARED_ACCOUNT,
  contextWith,
  createEvent,
  elapsedMs,
  props,
  resetWorkSpaces,
  sent,
  settling,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { sleep } from '../../lambda/shared/sleep';
import { DEFAULT_BACKOFF, IAM_PROPAGATION_GRACE_MS } from '../../lambda/shared/time-budget';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

let account: FakeWorkSpaces;

beforeEach(() => {
  account = resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('settling and permanent errors during a Create', () => {
  test('AssociateConnectionAlias answering InvalidResourceStateException is retried until it succeeds', async () => {
    // GIVEN
    account.fail('AssociateConnectionAlias', { error: settling }, 2);

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 3);
    expect(account.alias(ALIAS_ID)?.associations[0]).toMatchObject({ directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' });
    expect(result.Data?.ConnectionIdentifier).toBe(account.alias(ALIAS_ID)?.associations[0].connectionIdentifier);
  });

  test('UpdateConnectionAliasPermission answering InvalidResourceStateException is retried until it succeeds', async () => {
    // GIVEN
    account.fail('UpdateConnectionAliasPermission', { error: settling });

    // WHEN
    const result = await handler(createEvent(props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 2);
    expect(account.alias(ALIAS_ID)?.sharedWith).toBe(SHARED_ACCOUNT);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test.each([
    new InvalidParameterValuesException({ message: 'The directory id is not valid', $metadata: {} }),
    new OperationNotSupportedException({ message: 'Cross-Region redirection is not supported here', $metadata: {} }),
    new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} }),
  ])('a permanent $name from AssociateConnectionAlias fails at once with the service message, and the alias is deleted again', async (error) => {
    // GIVEN every transition is immediate, so any sleep would be a retry
    Object.assign(account.delays, { create: 0, delete: 0 });
    account.fail('AssociateConnectionAlias', { error }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${error.name}: ${error.message} (connection alias ${ALIAS_ID}, made for this request, was deleted again)`);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(account.aliasIds()).toEqual([]);
    expect(sleep).not.toHaveBeenCalled();
  });

  // IAM is eventually consistent: a directory added in this deployment has its Associate grant added by the same
  // deployment, moments before the Create runs.
  test('a denied AssociateConnectionAlias is sent again only within the IAM propagation grace, then fails with IAM\'s message', async () => {
    // GIVEN every transition is immediate and the denial never ends
    Object.assign(account.delays, { create: 0, delete: 0 });
    const denied = new AccessDeniedException({ message: 'User is not authorized to perform workspaces:AssociateConnectionAlias', $metadata: {} });
    account.fail('AssociateConnectionAlias', { error: denied }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`AccessDeniedException: ${denied.message} (connection alias ${ALIAS_ID}, made for this request, was deleted again)`);
    expect(sent(AssociateConnectionAliasCommand)).toBeGreaterThan(1);
    expect(elapsedMs()).toBeLessThanOrEqual(IAM_PROPAGATION_GRACE_MS + DEFAULT_BACKOFF.maxDelayMs);
    expect(account.aliasIds()).toEqual([]);
  });

  test('a grant that comes into force within the grace: the Associate denied twice, then allowed, succeeds', async () => {
    // GIVEN
    account.fail('AssociateConnectionAlias', { error: new AccessDeniedException({ message: 'not yet', $metadata: {} }) }, 2);

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)?.associations).toEqual([expect.objectContaining({ directoryId: DIRECTORY })]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('a permanent UpdateConnectionAliasPermission error (share limit) fails at once with the service message', async () => {
    // GIVEN
    account.fail('UpdateConnectionAliasPermission', {
      error: new ResourceLimitExceededException({ message: 'An alias can be shared with one account only', $metadata: {} }),
    }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceLimitExceededException: An alias can be shared with one account only (connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
    expect(account.aliasIds()).toEqual([]);
  });

  test('AssociateConnectionAlias refused with ResourceAssociatedException is success when our association with the directory is there (a lost response)', async () => {
    // GIVEN the first attempt associated the alias but its response was lost, and the SDK's retry is refused
    account.fail('AssociateConnectionAlias', { apply: true, error: new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} }) });

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    const association = account.alias(ALIAS_ID)!.associations[0];
    expect(association).toMatchObject({ directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' });
    expect(result.Data?.ConnectionIdentifier).toBe(association.connectionIdentifier);
  });
});
