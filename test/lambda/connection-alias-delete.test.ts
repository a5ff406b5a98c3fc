import {
  AccessDeniedException,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand,
  ResourceAssociatedException,
  ResourceNotFoundException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  ANSWER_RESERVE_MS,
  DIRECTORY,
  SHARED_ACCOUNT,
  TEN_MINUTES,
  backoffGivesUpAfter,
  contextWith,
  deadlinesFor,
  deleteEvent,
  elapsedMs,
  legacyOwnerTagValue,
  OWNER_TAG_KEY,
  ourMarks,
  ourTags,
  ownerTagValue,
  PREVIOUS_OWNER_TAG_KEY,
  props,
  STACK_NAME,
  STACK_TAG_KEY,
  resetWorkSpaces,
  sent,
  settling,
  throttled,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { DEFAULT_BACKOFF } from '../../lambda/shared/time-budget';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

let account: FakeWorkSpaces;

beforeEach(() => {
  account = resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Delete', () => {
  test.each([
    ['an empty Describe', () => undefined],
    ['ResourceNotFoundException', () => account.fail('DescribeConnectionAliases', { error: new ResourceNotFoundException({ message: 'The alias was not found', $metadata: {} }) })],
  ])('an alias that is already gone (%s) is success, with the same physical id and no DeleteConnectionAlias', async (_, given) => {
    // GIVEN
    given();

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
    expect(ws).toHaveReceivedCommandWith(DescribeConnectionAliasesCommand, { AliasIds: [ALIAS_ID] });
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('an associated and shared alias is disassociated, unshared, deleted, and waited for: the unshare and the disassociation come first', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT, association: { directoryId: DIRECTORY } });

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID, props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN (WorkSpaces refuses to delete an associated or shared alias)
    expect(account.aliasIds()).toEqual([]);
    expect(account.changes).toEqual([`Disassociate ${ALIAS_ID}`, `Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Delete ${ALIAS_ID}`]);
    // it answered once the alias was gone, not when DELETING began
    expect(elapsedMs()).toBeGreaterThanOrEqual(account.delays.disassociate + account.delays.delete);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a lingering NOT_ASSOCIATED entry needs no Disassociate', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'NOT_ASSOCIATED' } });

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(account.changes).toEqual([`Delete ${ALIAS_ID}`]);
    expect(account.aliasIds()).toEqual([]);
  });

  test('an alias already DELETING is only waited for', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), state: 'DELETING' });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(account.aliasIds()).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an alias still CREATING is waited for until CREATED, then deleted', async () => {
    // GIVEN (the fake refuses DeleteConnectionAlias while CREATING)
    account.seed({ id: ALIAS_ID, tags: ourTags(), state: 'CREATING' });

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DeleteConnectionAliasCommand)).toBe(1);
    expect(account.aliasIds()).toEqual([]);
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

  test.each([
    ['after DeleteConnectionAlias', 'CREATED' as const],
    ['when it was already DELETING', 'DELETING' as const],
  ])('a delete that never finishes (%s) fails naming what it waited for, before Lambda would stop it', async (_, state) => {
    // GIVEN
    account.delays.delete = Infinity;
    account.seed({ id: ALIAS_ID, tags: ourTags(), state });

    // WHEN
    const result = handler(deleteEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(new RegExp(`^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to be deleted \\(last seen: DELETING\\)$`));
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(elapsedMs()).toBeGreaterThan(TEN_MINUTES - ANSWER_RESERVE_MS - DEFAULT_BACKOFF.maxDelayMs);
  });

  test('an alias that never leaves CREATING fails naming the state it waited for', async () => {
    // GIVEN
    account.delays.create = Infinity;
    account.seed({ id: ALIAS_ID, tags: ourTags(), state: 'CREATING' });

    // WHEN
    const result = handler(deleteEvent(), contextWith(ANSWER_RESERVE_MS + 1_000));

    // THEN
    await expect(result).rejects.toThrow(new RegExp(`^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)$`));
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});

describe('settling and permanent errors during a Delete', () => {
  test('DeleteConnectionAlias answering InvalidResourceStateException is retried until it succeeds', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { error: settling }, 2);

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DeleteConnectionAliasCommand)).toBe(3);
    expect(account.aliasIds()).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a Disassociate refused while a pending association settles is retried, then the alias is deleted', async () => {
    // GIVEN (the fake refuses DisassociateConnectionAlias while PENDING_ASSOCIATION)
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_ASSOCIATION' } });
    account.fail('DisassociateConnectionAlias', { error: settling });

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DisassociateConnectionAliasCommand)).toBeGreaterThanOrEqual(2);
    expect(account.changes).toEqual([`Disassociate ${ALIAS_ID}`, `Delete ${ALIAS_ID}`]);
  });

  test('DeleteConnectionAlias answering ResourceNotFoundException (gone meanwhile) is success', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { effect: () => account.removeOutOfBand(ALIAS_ID), error: new ResourceNotFoundException({ message: 'not found', $metadata: {} }) });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DeleteConnectionAliasCommand)).toBe(1);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test.each([
    new ResourceAssociatedException({ message: 'The connection alias is associated with a directory', $metadata: {} }),
  ])('a permanent $name from DeleteConnectionAlias fails at once with the service message', async (error) => {
    // GIVEN
    Object.assign(account.delays, { create: 0 });
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { error }, Infinity);

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${error.name}: ${error.message}`);
    expect(sent(DeleteConnectionAliasCommand)).toBe(1);
    expect(account.alias(ALIAS_ID)?.state).toBe('CREATED');
  });

  test('a DeleteConnectionAlias that keeps answering InvalidResourceStateException fails when time runs out, quoting the service', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { error: settling }, Infinity);

    // WHEN
    const result = handler(deleteEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^DeleteConnectionAlias ${ALIAS_ID} kept failing until .*time ran out: InvalidResourceStateException: The specified connection alias is not in a valid state$`),
    );
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(sent(DeleteConnectionAliasCommand)).toBeGreaterThan(10);
  });

  test('an alias the shared account still has associated cannot be unshared: a clear message, and no delete', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });
    account.associateFromSharedAccount(ALIAS_ID, SHARED_ACCOUNT, DIRECTORY);

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    // Refused before any change: the owner cannot remove the shared account's association, so nothing else goes either.
    await expect(result).rejects.toThrow(
      `Connection alias ${ALIAS_ID} cannot be deleted: account ${SHARED_ACCOUNT} has it associated with its directory ${DIRECTORY} ` +
      '(ASSOCIATED_WITH_SHARED_ACCOUNT). That account must remove its association first',
    );
    expect(account.changes).toEqual([]);
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', sharedWith: SHARED_ACCOUNT });
  });

  test('an error describing the alias other than not-found fails the Delete rather than assuming it is gone', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DescribeConnectionAliases', { error: new AccessDeniedException({ message: 'Not authorized to describe', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(deleteEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow('AccessDeniedException: Not authorized to describe');
    expect(account.changes).toEqual([]);
  });
});

describe('a disassociation or deletion already under way (a lost response, a redelivered Delete)', () => {
  test('an association already PENDING_DISASSOCIATION gets no DisassociateConnectionAlias: it is waited out, then the alias is deleted', async () => {
    // GIVEN an earlier delivery of this Delete got as far as disassociating
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_DISASSOCIATION' } });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(account.aliasIds()).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('a Disassociate whose first attempt went through is not sent again when its retry is refused', async () => {
    // GIVEN the disassociation started, but the answer was an InvalidResourceStateException (the SDK's retry of a
    // call whose response was lost)
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY } });
    account.fail('DisassociateConnectionAlias', { apply: true, error: settling });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DisassociateConnectionAliasCommand)).toBe(1);
    expect(account.aliasIds()).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an association that is gone by the time Disassociate would be sent gets no call', async () => {
    // GIVEN the association is PENDING_DISASSOCIATION by someone else's hand, and gone when looked at again
    account.delays.disassociate = 0;
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_DISASSOCIATION' } });

    // WHEN
    await handler(deleteEvent(), contextWith());

    // THEN
    expect(account.changes).toEqual([`Delete ${ALIAS_ID}`]);
  });

  test('a DeleteConnectionAlias whose first attempt went through is not sent again when its retry is refused', async () => {
    // GIVEN the delete started, but the answer was an InvalidResourceStateException
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { apply: true, error: settling });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(sent(DeleteConnectionAliasCommand)).toBe(1);
    expect(account.aliasIds()).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
  });

  test('an alias that another delivery deletes meanwhile gets no DeleteConnectionAlias and is waited for', async () => {
    // GIVEN another delivery deletes it while this one unshares
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DescribeConnectionAliasPermissions', { apply: true, effect: () => account.startDeleting(ALIAS_ID) });

    // WHEN
    const result = await handler(deleteEvent(), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(account.aliasIds()).toEqual([]);
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
    account.delays.delete = Infinity;
    account.seed({ id: ALIAS_ID, tags: ourTags(), state: 'DELETING' });
    expect(deadlinesFor(contextMs).answerBy).toBe(answerBy);

    // WHEN
    const result = handler(deleteEvent(), contextWith(contextMs));

    // THEN it stopped when the next backoff step no longer fitted before the answer deadline
    const waited = backoffGivesUpAfter(answerBy);
    await expect(result).rejects.toThrow(`Timed out after ${Math.round(waited / 1000)}s waiting for connection alias ${ALIAS_ID} to be deleted (last seen: DELETING)`);
    expect(elapsedMs()).toBeCloseTo(waited, 3);
    expect(elapsedMs()).toBeLessThanOrEqual(answerBy);
  });
});

describe('a Delete removes only what this resource owns', () => {
  const OLD_OWNER = ownerTagValue(STACK_NAME, 'OldAlias0A1B2C3D');

  test.each([
    ['another stack owns it', { [OWNER_TAG_KEY]: ownerTagValue('OtherStack', 'Alias'), [STACK_TAG_KEY]: 'OtherStack' }, 'it is owned by a resource of stack OtherStack, not by this one'],
    ['it carries no owner mark', { team: 'vdi' }, 'it carries no owner mark, so this library did not create it'],
    ['another resource of this stack owns it', { [OWNER_TAG_KEY]: OLD_OWNER, [STACK_TAG_KEY]: STACK_NAME }, `it is owned by a resource of stack ${STACK_NAME}, not by this one`],
  ])('leaves the alias untouched when %s, succeeds, and logs why', async (_, tags, why) => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags, sharedWith: SHARED_ACCOUNT, association: { directoryId: DIRECTORY } });

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
    expect(account.changes).toEqual([]);
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', tags, sharedWith: SHARED_ACCOUNT });
    expect(jest.mocked(console.log).mock.calls.flat().join('\n')).toContain(`leaving connection alias ${ALIAS_ID} untouched: ${why}`);
  });

  test('the rollback Delete of a rename hands the alias back to the resource it came from, touching nothing else', async () => {
    // GIVEN this resource took the alias over from OldAlias, and the deployment rolls back
    account.seed({ id: ALIAS_ID, tags: { ...ourTags({ team: 'vdi' }), [PREVIOUS_OWNER_TAG_KEY]: OLD_OWNER }, association: { directoryId: DIRECTORY } });

    // WHEN
    await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', tags: { team: 'vdi', [OWNER_TAG_KEY]: OLD_OWNER, [STACK_TAG_KEY]: STACK_NAME } });
    expect(account.alias(ALIAS_ID)?.associations).toEqual([expect.objectContaining({ directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  });

  test('the cleanup Delete of the renamed resource confirms the handover: only the previous-owner mark goes', async () => {
    // GIVEN the resource this one was renamed to took the alias over
    const newOwner = ownerTagValue(STACK_NAME, 'NewAlias9F8E7D6C');
    account.seed({ id: ALIAS_ID, tags: { [OWNER_TAG_KEY]: newOwner, [STACK_TAG_KEY]: STACK_NAME, [PREVIOUS_OWNER_TAG_KEY]: ownerTagValue() } });

    // WHEN
    await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', tags: { [OWNER_TAG_KEY]: newOwner, [STACK_TAG_KEY]: STACK_NAME } });
    expect(account.changes).toEqual([`DeleteTags ${ALIAS_ID}`]);
  });

  test('an alias with a first-version mark is marked with the stack tag (which the IAM policy requires), then deleted', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: { [OWNER_TAG_KEY]: legacyOwnerTagValue() } });

    // WHEN
    await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [...Object.entries(ourMarks()).map(([Key, Value]) => ({ Key, Value }))] });
    expect(account.aliasIds()).toEqual([]);
  });
});

describe('sustained throttling outside an undo', () => {
  test('a Delete whose calls stay throttled beyond the SDK attempts sends them again until they go through', async () => {
    // GIVEN each refusal stands for a call whose 8 SDK attempts were all throttled
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });
    account.fail('DescribeTags', { error: throttled }, 5);
    account.fail('UpdateConnectionAliasPermission', { error: throttled }, 5);
    account.fail('DeleteConnectionAlias', { error: throttled }, 5);

    // WHEN
    const result = await handler(deleteEvent(ALIAS_ID), contextWith());

    // THEN
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID });
    expect(account.aliasIds()).toEqual([]);
    expect(sent(DeleteConnectionAliasCommand)).toBe(6);
  });

  test('throttling that outlasts the whole budget fails with the service message by the answer deadline', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DeleteConnectionAlias', { error: throttled }, Infinity);

    // WHEN
    const result = handler(deleteEvent(ALIAS_ID), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(/^ThrottlingException: Rate exceeded$/);
    expect(elapsedMs()).toBeLessThanOrEqual(deadlinesFor(TEN_MINUTES).answerBy);
    expect(account.aliasIds()).toEqual([ALIAS_ID]);
  });
});
