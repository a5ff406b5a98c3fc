// An Update that needs a new alias (a new connection string, an alias gone out of band), and its rollback.
import {
  AccessDeniedException,
  CreateConnectionAliasCommand,
  DeleteConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  CONNECTION_STRING,
  DIRECTORY,
  NEW_ALIAS_ID,
  NEW_CONNECTION_STRING,
  SHARED_ACCOUNT,
  contextWith,
  ourMarks,
  ourTags,
  props,
  resetWorkSpaces,
  updateEvent,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

let account: FakeWorkSpaces;

beforeEach(() => {
  account = resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const MARKS = Object.entries(ourMarks()).map(([Key, Value]) => ({ Key, Value }));
describe('Update that needs a new alias', () => {
  test('a new connection string creates a new alias, returns its id, and leaves the old alias for the cleanup Delete', async () => {
    // GIVEN the old alias is associated and shared
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT, association: { directoryId: DIRECTORY } });
    const old = props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent({ ...old, ConnectionString: NEW_CONNECTION_STRING }, old), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, { ConnectionString: NEW_CONNECTION_STRING, Tags: MARKS });
    expect(account.alias(NEW_ALIAS_ID)).toMatchObject({ state: 'CREATED', connectionString: NEW_CONNECTION_STRING, sharedWith: SHARED_ACCOUNT, associations: [expect.objectContaining({ directoryId: DIRECTORY })] });
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', connectionString: CONNECTION_STRING, sharedWith: SHARED_ACCOUNT });
    expect(result).toEqual({
      PhysicalResourceId: NEW_ALIAS_ID,
      Data: { AliasId: NEW_ALIAS_ID, ConnectionString: NEW_CONNECTION_STRING, ConnectionIdentifier: account.alias(NEW_ALIAS_ID)?.associations[0].connectionIdentifier },
    });
  });

  test('a rollback to the old connection string adopts the old alias (our owner tag) and creates nothing', async () => {
    // GIVEN the stack rolls back: the physical id is the new alias, the properties are the old ones
    account.seed({ id: NEW_ALIAS_ID, connectionString: NEW_CONNECTION_STRING, tags: ourTags() });
    account.seed({ id: ALIAS_ID, tags: ourTags() });

    // WHEN
    const result = await handler(updateEvent(props(), props({ ConnectionString: NEW_CONNECTION_STRING }), NEW_ALIAS_ID), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(account.aliasIds().sort()).toEqual([ALIAS_ID, NEW_ALIAS_ID].sort());
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('an alias adopted in an Update is not deleted when configuring it fails', async () => {
    // GIVEN
    account.seed({ id: NEW_ALIAS_ID, connectionString: NEW_CONNECTION_STRING, tags: ourTags() });
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('AssociateConnectionAlias', { error: new AccessDeniedException({ message: 'Not authorized to associate', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props({ ConnectionString: NEW_CONNECTION_STRING }), NEW_ALIAS_ID), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^AccessDeniedException: Not authorized to associate$/);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(account.aliasIds().sort()).toEqual([ALIAS_ID, NEW_ALIAS_ID].sort());
  });

  test('a replacement alias that cannot be configured is deleted again; the old alias is untouched', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.directories = [];

    // WHEN
    const result = handler(updateEvent(props({ ConnectionString: NEW_CONNECTION_STRING, DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceNotFoundException: The directory ${DIRECTORY} could not be found (connection alias ${NEW_ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(account.aliasIds()).toEqual([ALIAS_ID]);
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags());
  });

  test.each([
    ['an empty Describe', () => undefined],
    ['ResourceNotFoundException', () => account.fail('DescribeConnectionAliases', { error: new ResourceNotFoundException({ message: 'Alias not found', $metadata: {} }) })],
  ])('an alias deleted out of band (%s) is created again with a new id', async (_, given) => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.removeOutOfBand(ALIAS_ID);
    given();
    const properties = props({ Tags: [{ Key: 'team', Value: 'vdi' }] });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, { ConnectionString: CONNECTION_STRING, Tags: [{ Key: 'team', Value: 'vdi' }, ...MARKS] });
    expect(result).toEqual({ PhysicalResourceId: NEW_ALIAS_ID, Data: { AliasId: NEW_ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' } });
    expect(account.alias(NEW_ALIAS_ID)?.tags).toEqual(ourTags({ team: 'vdi' }));
  });

  test('an alias being deleted out of band is waited for, then created again', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, state: 'DELETING' });

    // WHEN
    const result = await handler(updateEvent(props(), props()), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(NEW_ALIAS_ID);
    expect(account.aliasIds()).toEqual([NEW_ALIAS_ID]);
  });

  test('a physical id that is not an alias id is not described; an alias is created', async () => {
    // WHEN
    const result = await handler(updateEvent(props(), props(), 'hand-edited-id'), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommandWith(DescribeConnectionAliasesCommand, { AliasIds: ['hand-edited-id'] });
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(account.alias(ALIAS_ID)?.state).toBe('CREATED');
  });

  test('a connection string that differs only in case keeps the alias (DNS names ignore case)', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });

    // WHEN
    const result = await handler(updateEvent(props({ ConnectionString: 'Desktop.Example.COM' }), props()), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });
});
