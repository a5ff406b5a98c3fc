// A Create that fails after making its alias deletes it again (the framework skips the Delete that follows a
// failed Create), within the time kept back for that, and keeps trying through throttling and 5xx.
import {
  AccessDeniedException,
  AssociateConnectionAliasCommand,
  DeleteConnectionAliasCommand,
  DisassociateConnectionAliasCommand,
  InternalServerException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  ANSWER_RESERVE_MS,
  CONNECTION_STRING,
  DIRECTORY,
  LOGICAL_ID,
  OWNER_TAG_KEY,
  STACK_NAME,
  SHARED_ACCOUNT,
  TEN_MINUTES,
  UNDO_RESERVE_MS,
  contextWith,
  createEvent,
  deadlinesFor,
  elapsedMs,
  ourTags,
  props,
  resetWorkSpaces,
  sent,
  throttled,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { DEFAULT_BACKOFF, IAM_PROPAGATION_GRACE_MS } from '../../lambda/shared/time-budget';
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

const UNDONE = `(connection alias ${ALIAS_ID}, made for this request, was deleted again)`;
const directoryNotFound = `ResourceNotFoundException: The directory ${DIRECTORY} could not be found`;

describe('a Create that fails after making the alias is undone', () => {
  test('a permanent AssociateConnectionAlias error unshares, then deletes the new alias, and says so', async () => {
    // GIVEN the directory does not exist
    account.directories = [];

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${directoryNotFound} ${UNDONE}`);
    expect(account.aliasIds()).toEqual([]);
    // WorkSpaces refuses to delete a shared alias: the unshare must come first
    expect(account.changes).toEqual([`Create ${CONNECTION_STRING}`, `Share ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Delete ${ALIAS_ID}`]);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
  });

  test('an association that does not establish by the work deadline is given up, then disassociated and the alias deleted', async () => {
    // GIVEN the association establishes only after the work deadline (460 s), so it can be disassociated then
    account.delays.associate = 470_000;

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to be associated with directory ${DIRECTORY} ` +
        `\\(last seen: PENDING_ASSOCIATION\\) \\(connection alias ${ALIAS_ID}, made for this request, was deleted again\\)$`,
      ),
    );
    expect(account.aliasIds()).toEqual([]);
    expect(account.changes).toEqual([`Create ${CONNECTION_STRING}`, `Associate ${ALIAS_ID} ${DIRECTORY}`, `Disassociate ${ALIAS_ID}`, `Delete ${ALIAS_ID}`]);
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
  });

  test('an alias that stays CREATING past the work deadline is deleted once it is CREATED, within the undo reserve', async () => {
    // GIVEN the alias becomes CREATED only after the work deadline (460 s)
    account.delays.create = 470_000;

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\) \\(connection alias ${ALIAS_ID}, made for this request, was deleted again\\)$`),
    );
    expect(account.aliasIds()).toEqual([]);
    expect(elapsedMs()).toBeGreaterThan(TEN_MINUTES - ANSWER_RESERVE_MS - UNDO_RESERVE_MS - DEFAULT_BACKOFF.maxDelayMs);
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
  });

  test('an alias that never leaves CREATING: the message says what was waited for and that the undo failed too', async () => {
    // GIVEN
    account.delays.create = Infinity;

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)\\. ` +
        `Deleting connection alias ${ALIAS_ID} again also failed: Timed out after \\d+s waiting for connection alias ${ALIAS_ID} ` +
        `to reach state CREATED \\(last seen: CREATING\\)\\. It keeps its '${OWNER_TAG_KEY}' tag \\(a hash of the stack name ` +
        `${STACK_NAME} and the logical id ${LOGICAL_ID}\\), so the next deployment of this resource in a stack of that name ` +
        'adopts it, also after the stack is deleted and created again; or delete it by hand\\.$',
      ),
    );
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    // the handler still answers before Lambda would stop it
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(elapsedMs()).toBeGreaterThan(TEN_MINUTES - ANSWER_RESERVE_MS - DEFAULT_BACKOFF.maxDelayMs);
  });

  test('with almost no time left it gives up at once, naming what it waited for', async () => {
    // GIVEN only one first backoff step is left: both deadlines come before it would end
    const contextMs = DEFAULT_BACKOFF.initialDelayMs;
    expect(deadlinesFor(contextMs).answerBy).toBeLessThan(DEFAULT_BACKOFF.initialDelayMs);
    account.delays.create = Infinity;

    // WHEN
    const result = handler(createEvent(), contextWith(contextMs));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after 0s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)\\. Deleting ` +
        `connection alias ${ALIAS_ID} again also failed: Timed out after 0s waiting`,
      ),
    );
    expect(sleep).not.toHaveBeenCalled();
  });

  test('when deleting again is denied, the message says so and mentions the owner tag; a denial is sent again only within the IAM propagation grace', async () => {
    // GIVEN
    account.directories = [];
    account.fail('DeleteConnectionAlias', {
      error: new AccessDeniedException({ message: 'User is not authorized to perform workspaces:DeleteConnectionAlias', $metadata: {} }),
    }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `${directoryNotFound}. Deleting connection alias ${ALIAS_ID} again ` +
      'also failed: AccessDeniedException: User is not authorized to perform workspaces:DeleteConnectionAlias. ' +
      `It keeps its '${OWNER_TAG_KEY}' tag (a hash of the stack name ${STACK_NAME} and the logical id ${LOGICAL_ID}), so the ` +
      'next deployment of this resource in a stack of that name adopts it, also after the stack is deleted and created again; ' +
      'or delete it by hand.',
    );
    expect(elapsedMs()).toBeLessThanOrEqual(IAM_PROPAGATION_GRACE_MS + DEFAULT_BACKOFF.maxDelayMs);
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags());
  });

  test('an alias adopted from an earlier delivery of the Create is undone as well (it is ours)', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('AssociateConnectionAlias', { error: new AccessDeniedException({ message: 'Not authorized', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`AccessDeniedException: Not authorized ${UNDONE}`);
    expect(account.changes).toEqual([`Delete ${ALIAS_ID}`]);
    expect(account.aliasIds()).toEqual([]);
  });

  test('an association that disappears while being waited for fails the Create, which is undone', async () => {
    // GIVEN AssociateConnectionAlias answers, but Describe never shows the association (longer than eventual consistency explains)
    account.fail('AssociateConnectionAlias', {});

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN it gave the association the 10 s grace for Describe to catch up, then undid the Create
    await expect(result).rejects.toThrow(
      `The association of connection alias ${ALIAS_ID} with directory ${DIRECTORY} disappeared ${UNDONE}`,
    );
    expect(account.aliasIds()).toEqual([]);
    expect(elapsedMs()).toBeGreaterThan(10_000);
    expect(elapsedMs()).toBeLessThan(10_000 + 2 * DEFAULT_BACKOFF.maxDelayMs + 5_000);
  });

  test('an alias that disappears while CREATING fails the Create; there is nothing left to delete', async () => {
    // GIVEN someone deletes it while the handler waits
    jest.mocked(sleep).mockImplementationOnce(async () => account.removeOutOfBand(ALIAS_ID));

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${ALIAS_ID} disappeared while waiting for it to be created`);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});

describe('an undo that meets throttling and 5xx keeps trying within its reserve', () => {
  test('DeleteConnectionAlias throttled 12 times in a row (more than the SDK attempts) still deletes the alias', async () => {
    // GIVEN each refusal stands for a call whose SDK attempts were all throttled
    account.directories = [];
    account.fail('DeleteConnectionAlias', { error: throttled }, 12);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${directoryNotFound} ${UNDONE}`);
    expect(sent(DeleteConnectionAliasCommand)).toBe(13);
    expect(account.aliasIds()).toEqual([]);
  });

  test('throttling, 5xx and dropped connections on every step of the undo: it disassociates, unshares and deletes', async () => {
    // GIVEN the association never establishes in time, and then the account is unwell
    account.delays.associate = 470_000;
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const internal = () => new InternalServerException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } });
    // (only the undo disassociates: from then on, every kind of call meets trouble)
    account.fail('DisassociateConnectionAlias', {
      error: internal,
      effect: () => {
        account.fail('DescribeConnectionAliases', { error: throttled }, 3);
        account.fail('DisassociateConnectionAlias', { error: internal }, 2);
        account.fail('UpdateConnectionAliasPermission', { error: () => reset }, 3);
        account.fail('DeleteConnectionAlias', { error: throttled }, 3);
      },
    });

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(UNDONE);
    expect(account.aliasIds()).toEqual([]);
    expect(sent(DisassociateConnectionAliasCommand)).toBeGreaterThanOrEqual(4);
    expect(sent(UpdateConnectionAliasPermissionCommand)).toBe(1 + 4);
    expect(sent(DeleteConnectionAliasCommand)).toBe(4);
  });

  test('throttling that outlasts the reserve fails with the service message, by the answer deadline', async () => {
    // GIVEN
    account.directories = [];
    account.fail('DeleteConnectionAlias', { error: throttled }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      `${directoryNotFound}. Deleting connection alias ${ALIAS_ID} again also failed: the undo kept failing until its time ran out: ` +
      'ThrottlingException: Rate exceeded. It keeps its',
    );
    expect(elapsedMs()).toBeLessThanOrEqual(deadlinesFor(TEN_MINUTES).answerBy);
    expect(elapsedMs()).toBeGreaterThan(deadlinesFor(TEN_MINUTES).answerBy - DEFAULT_BACKOFF.maxDelayMs);
    expect(account.alias(ALIAS_ID)).toBeDefined();
  });

  test('a permanent error in the undo is not retried', async () => {
    // GIVEN
    account.directories = [];
    account.fail('DeleteConnectionAlias', { error: new ResourceNotFoundException({ message: 'gone', $metadata: {} }) }, 0);
    account.fail('DescribeConnectionAliasPermissions', { error: new AccessDeniedException({ message: 'Denied', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow('again also failed: AccessDeniedException: Denied.');
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});
