import {
  AccessDeniedException,
  DeleteConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand,
  ResourceAssociatedException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import {
  ALIAS_ID,
  ANSWER_RESERVE_MS,
  DIRECTORY,
  DescribeAnswer,
  GONE,
  SHARED_ACCOUNT,
  TEN_MINUTES,
  alias,
  backoffGivesUpAfter,
  backoffSleeps,
  callLog,
  contextWith,
  created,
  deadlinesFor,
  deleteEvent,
  elapsedMs,
  givenDescribe,
  givenSharedWith,
  mutations,
  props,
  resetWorkSpaces,
  settling,
  sharedAccountAssociation,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { DEFAULT_BACKOFF } from '../../lambda/shared/poll';
import { sleep } from '../../lambda/shared/sleep';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

beforeEach(() => {
  resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const DESCRIBE = `Describe ${ALIAS_ID}`;

describe('Delete', () => {
  test.each<[string, DescribeAnswer]>([
    ['an empty Describe', GONE],
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'The alias was not found', $metadata: {} })],
  ])('an alias that is already gone (%s) is success, with the same physical id and no DeleteConnectionAlias', async (_, answer) => {
    // GIVEN
    givenDescribe(ALIAS_ID, answer);

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
    expect(callLog()).toEqual([DESCRIBE]);
    expect(ws).toHaveReceivedCommandWith(DescribeConnectionAliasesCommand, { AliasIds: [ALIAS_ID] });
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('an associated and shared alias is disassociated, unshared, deleted, and waited for, in that order', async () => {
    // GIVEN
    givenDescribe(
      ALIAS_ID,
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY, 'PENDING_DISASSOCIATION'),
      alias('CREATED'),
      alias('CREATED'),
      alias('DELETING'),
      GONE,
    );
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID, props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN Disassociate and Delete each come right after a look that shows there is something to remove
    expect(callLog()).toEqual([
      DESCRIBE,
      DESCRIBE,
      DESCRIBE,
      DESCRIBE,
      `Disassociate ${ALIAS_ID}`,
      DESCRIBE,
      DESCRIBE,
      `DescribePermissions ${ALIAS_ID}`,
      `Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`,
      DESCRIBE,
      `Delete ${ALIAS_ID}`,
      DESCRIBE,
      DESCRIBE,
    ]);
    expect(ws).toHaveReceivedCommandWith(DisassociateConnectionAliasCommand, { AliasId: ALIAS_ID });
    expect(ws).toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS_ID,
      ConnectionAliasPermission: { SharedAccountId: SHARED_ACCOUNT, AllowAssociation: false },
    });
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(DeleteConnectionAliasCommand, { AliasId: ALIAS_ID });
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a lingering NOT_ASSOCIATED entry needs no Disassociate', async () => {
    // GIVEN
    const lingering = created(DIRECTORY, 'NOT_ASSOCIATED', null);
    givenDescribe(ALIAS_ID, lingering, lingering, lingering, lingering, GONE);

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(mutations()).toEqual([`Delete ${ALIAS_ID}`]);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, `DescribePermissions ${ALIAS_ID}`, DESCRIBE, `Delete ${ALIAS_ID}`, DESCRIBE]);
  });

  test('an alias already DELETING is only waited for', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('DELETING'), alias('DELETING'), GONE);

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an alias still CREATING is waited for until CREATED, then deleted', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATING'), alias('CREATING'), alias('CREATED'), alias('CREATED'), alias('CREATED'), GONE);

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN the Delete comes only after Describe showed CREATED (the third Describe), and right after a last look
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, `DescribePermissions ${ALIAS_ID}`, DESCRIBE, `Delete ${ALIAS_ID}`, DESCRIBE]);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  test.each([
    'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED',
    'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID',
    'garbage',
    'wsca-SHORT',
    'd-1234567890',
  ])('a physical id that is not a connection alias id (%s) is success with no AWS call', async (physicalId) => {
    // WHEN
    const result = await handler(deleteEvent(physicalId), contextWith());

    // THEN
    expect(result).toEqual({ PhysicalResourceId: physicalId });
    expect(ws).not.toHaveReceivedAnyCommand();
  });

  test.each<[string, DescribeAnswer[]]>([
    ['after DeleteConnectionAlias', [alias('CREATED'), alias('CREATED'), alias('CREATED'), alias('DELETING')]],
    ['when it was already DELETING', [alias('DELETING')]],
  ])('a delete that never finishes (%s) fails naming what it waited for, before Lambda would stop it', async (_, answers) => {
    // GIVEN
    givenDescribe(ALIAS_ID, ...answers);

    // WHEN
    const result = handler(deleteEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to be deleted \\(last seen: DELETING\\)$`),
    );
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(elapsedMs()).toBeGreaterThan(TEN_MINUTES - ANSWER_RESERVE_MS - DEFAULT_BACKOFF.maxDelayMs);
  });

  test('an alias that never leaves CREATING fails naming the state it waited for', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATING'));

    // WHEN
    const result = handler(deleteEvent(), contextWith(ANSWER_RESERVE_MS + 1_000));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)$`),
    );
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});

describe('settling and permanent errors during a Delete', () => {
  test('DeleteConnectionAlias answering InvalidResourceStateException is retried with backoff until it succeeds', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, ...Array(6).fill(alias('CREATED')), GONE);
    ws.on(DeleteConnectionAliasCommand).rejectsOnce(settling()).rejectsOnce(settling()).resolves({});

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN every attempt looks first, sees the alias still CREATED, and deletes
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 3);
    expect(callLog().slice(4)).toEqual([DESCRIBE, `Delete ${ALIAS_ID}`, DESCRIBE, `Delete ${ALIAS_ID}`, DESCRIBE, `Delete ${ALIAS_ID}`, DESCRIBE]);
    // one growing backoff step after each refusal
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(2));
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a Disassociate refused while a pending association settles is retried, then the alias is deleted', async () => {
    // GIVEN
    const pending = created(DIRECTORY, 'PENDING_ASSOCIATION', null);
    givenDescribe(ALIAS_ID, pending, pending, pending, pending, pending, alias('CREATED'), alias('CREATED'), GONE);
    ws.on(DisassociateConnectionAliasCommand).rejectsOnce(settling()).resolves({});

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN each attempt looks first and still sees the (pending) association
    expect(mutations()).toEqual([`Disassociate ${ALIAS_ID}`, `Disassociate ${ALIAS_ID}`, `Delete ${ALIAS_ID}`]);
    expect(callLog().slice(3, 8)).toEqual([DESCRIBE, `Disassociate ${ALIAS_ID}`, DESCRIBE, `Disassociate ${ALIAS_ID}`, DESCRIBE]);
  });

  test('DeleteConnectionAlias answering ResourceNotFoundException (gone meanwhile) is success', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), alias('CREATED'), GONE);
    ws.on(DeleteConnectionAliasCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 1);
    expect(callLog().slice(-2)).toEqual([`Delete ${ALIAS_ID}`, DESCRIBE]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test.each([
    new AccessDeniedException({ message: 'User is not authorized to perform workspaces:DeleteConnectionAlias', $metadata: {} }),
    new ResourceAssociatedException({ message: 'The connection alias is associated with a directory', $metadata: {} }),
  ])('a permanent $name from DeleteConnectionAlias fails at once with the service message', async (error) => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    ws.on(DeleteConnectionAliasCommand).rejects(error);

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${error.name}: ${error.message}`);
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 1);
    expect(sleep).not.toHaveBeenCalled();
  });

  test('a DeleteConnectionAlias that keeps answering InvalidResourceStateException fails when time runs out, quoting the service', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    ws.on(DeleteConnectionAliasCommand).rejects(settling());

    // WHEN
    const result = handler(deleteEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^DeleteConnectionAlias ${ALIAS_ID} kept failing until .*time ran out: InvalidResourceStateException: The specified connection alias is not in a valid state$`),
    );
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(ws.commandCalls(DeleteConnectionAliasCommand).length).toBeGreaterThan(10);
  });

  test("an alias the shared account still has associated cannot be unshared: a clear message, and no delete", async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED', { associations: [sharedAccountAssociation(DIRECTORY)] }));
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(
      new ResourceAssociatedException({ message: 'The connection alias is associated with a directory', $metadata: {} }),
    );

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Cannot stop sharing connection alias ${ALIAS_ID} with account ${SHARED_ACCOUNT}: that account still has it associated ` +
      'with one of its directories and must disassociate it first',
    );
    expect(mutations()).toEqual([`Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`]);
  });

  test('an error describing the alias other than not-found fails the Delete rather than assuming it is gone', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, new AccessDeniedException({ message: 'Not authorized to describe', $metadata: {} }));

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow('AccessDeniedException: Not authorized to describe');
    expect(mutations()).toEqual([]);
  });
});

describe('a disassociation or deletion already under way (a lost response, a redelivered Delete)', () => {
  const DISASSOCIATE = `Disassociate ${ALIAS_ID}`;
  const DELETE = `Delete ${ALIAS_ID}`;
  const PERMISSIONS = `DescribePermissions ${ALIAS_ID}`;

  test('an association already PENDING_DISASSOCIATION gets no DisassociateConnectionAlias: it is waited out, then the alias is deleted', async () => {
    // GIVEN an earlier delivery of this Delete got as far as disassociating
    const disassociating = created(DIRECTORY, 'PENDING_DISASSOCIATION');
    givenDescribe(ALIAS_ID, ...Array(5).fill(disassociating), alias('CREATED'), alias('CREATED'), GONE);

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN it looked, saw the disassociation under way, and only polled until the association was gone
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, PERMISSIONS, DESCRIBE, DELETE, DESCRIBE]);
    // one backoff step, after the PENDING_DISASSOCIATION the wait saw
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(1));
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a Disassociate whose first attempt went through is not sent again when its retry is refused', async () => {
    // GIVEN the disassociation started, but the answer was an InvalidResourceStateException (the SDK's retry
    // of a call whose response was lost); Describe then shows it under way
    givenDescribe(
      ALIAS_ID,
      ...Array(4).fill(created(DIRECTORY)),
      created(DIRECTORY, 'PENDING_DISASSOCIATION'),
      created(DIRECTORY, 'PENDING_DISASSOCIATION'),
      alias('CREATED'),
      alias('CREATED'),
      GONE,
    );
    ws.on(DisassociateConnectionAliasCommand).rejectsOnce(settling()).resolves({});

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DisassociateConnectionAliasCommand, 1);
    expect(callLog()).toEqual([
      DESCRIBE,
      DESCRIBE,
      DESCRIBE,
      DESCRIBE,
      DISASSOCIATE,
      DESCRIBE, // the retry looks first: PENDING_DISASSOCIATION, so no second call
      DESCRIBE, // waiting: still PENDING_DISASSOCIATION
      DESCRIBE, // gone
      PERMISSIONS,
      DESCRIBE,
      DELETE,
      DESCRIBE,
    ]);
    // the first step of two loops, each backing off afresh: after the refused Disassociate, and in the wait
    expect(jest.mocked(sleep).mock.calls).toEqual([...backoffSleeps(1), ...backoffSleeps(1)]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an association that is already gone when Disassociate would be sent gets no call', async () => {
    // GIVEN the association disappears between the handler's first look and the Disassociate
    givenDescribe(ALIAS_ID, created(DIRECTORY), created(DIRECTORY), created(DIRECTORY), alias('CREATED'), alias('CREATED'), alias('CREATED'), GONE);

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(mutations()).toEqual([DELETE]);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, DESCRIBE, PERMISSIONS, DESCRIBE, DELETE, DESCRIBE]);
  });

  test('an alias that is DELETING by the time DeleteConnectionAlias would be sent gets no call and is waited for', async () => {
    // GIVEN another delivery of this Delete deleted it meanwhile
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), alias('DELETING'), alias('DELETING'), GONE);

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, PERMISSIONS, DESCRIBE, DESCRIBE, DESCRIBE]);
    // one backoff step, after the DELETING the wait saw
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(1));
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an alias that is gone by the time DeleteConnectionAlias would be sent gets no call', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), GONE);

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, PERMISSIONS, DESCRIBE, DESCRIBE]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a DeleteConnectionAlias whose first attempt went through is not sent again when its retry is refused', async () => {
    // GIVEN the delete started, but the answer was an InvalidResourceStateException; Describe then shows DELETING
    givenDescribe(ALIAS_ID, ...Array(4).fill(alias('CREATED')), alias('DELETING'), alias('DELETING'), GONE);
    ws.on(DeleteConnectionAliasCommand).rejectsOnce(settling()).resolves({});

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 1);
    expect(callLog()).toEqual([DESCRIBE, DESCRIBE, DESCRIBE, PERMISSIONS, DESCRIBE, DELETE, DESCRIBE, DESCRIBE, DESCRIBE]);
    // the first step of two loops, each backing off afresh: after the refused Delete, and in the wait
    expect(jest.mocked(sleep).mock.calls).toEqual([...backoffSleeps(1), ...backoffSleeps(1)]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });
});

describe('the Delete deadline scales with the function timeout', () => {
  test.each([
    // [context, when the handler must answer]: it keeps min(20 s, 10 % of the context) back
    [900_000, 880_000],
    [TEN_MINUTES, 580_000],
    [60_000, 54_000],
    [20_000, 18_000],
  ])('with %i ms left it waits for the deletion until %i ms, then fails naming what it waited for', async (contextMs, answerBy) => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('DELETING'));
    expect(deadlinesFor(contextMs).answerBy).toBe(answerBy);

    // WHEN
    const result = handler(deleteEvent(), contextWith(contextMs));

    // THEN it stopped when the next backoff step no longer fitted before the answer deadline
    const waited = backoffGivesUpAfter(answerBy);
    await expect(result).rejects.toThrow(
      `Timed out after ${Math.round(waited / 1000)}s waiting for connection alias ${ALIAS_ID} to be deleted (last seen: DELETING)`,
    );
    expect(elapsedMs()).toBeCloseTo(waited, 3);
    expect(elapsedMs()).toBeLessThanOrEqual(answerBy);
  });
});
