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
  props,
  resetWorkSpaces,
  settling,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { sleep } from '../../lambda/shared/sleep';

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
    new AccessDeniedException({ message: 'User is not authorized to perform workspaces:AssociateConnectionAlias', $metadata: {} }),
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
