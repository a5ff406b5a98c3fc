import {
  AccessDeniedException,
  AssociateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasPermissionsCommand,
  DisassociateConnectionAliasCommand,
  ResourceAssociatedException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  CONNECTION_STRING,
  DIRECTORY,
  OTHER_DIRECTORY,
  OTHER_SHARED_ACCOUNT,
  OWNER_TAG_KEY,
  STACK_NAME,
  STACK_TAG_KEY,
  SHARED_ACCOUNT,
  contextWith,
  ourTags,
  ownerTagValue,
  props,
  resetWorkSpaces,
  sent,
  settling,
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

const MARKS = [{ Key: OWNER_TAG_KEY, Value: ownerTagValue() }, { Key: STACK_TAG_KEY, Value: STACK_NAME }];
const refused = () => new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} });

describe('Update of tags, in place', () => {
  test('deletes removed keys before setting added and changed ones with the owner tag, leaving aws: tags alone', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags({ team: 'vdi', env: 'prod', 'aws:cloudformation:stack-name': 'DesktopStack' }) });
    const desired = [{ Key: 'team', Value: 'desktops' }, { Key: 'cost', Value: '42' }];

    // WHEN
    const result = await handler(updateEvent(props({ Tags: desired }), props({ Tags: [{ Key: 'team', Value: 'vdi' }, { Key: 'env', Value: 'prod' }] })), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags({ team: 'desktops', cost: '42', 'aws:cloudformation:stack-name': 'DesktopStack' }));
    expect(ws).toHaveReceivedCommandWith(DeleteTagsCommand, { ResourceId: ALIAS_ID, TagKeys: ['env'] });
    // the stack tag rides along with every CreateTags (the IAM policy requires it)
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [...desired, MARKS[1]] });
    // delete first, so that swapping keys never trips the 50-tag limit
    expect(account.changes).toEqual([`DeleteTags ${ALIAS_ID}`, `CreateTags ${ALIAS_ID}`]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID, Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' } });
  });

  test('only removing a tag calls DeleteTags and no CreateTags', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags({ team: 'vdi', env: 'prod' }) });

    // WHEN
    await handler(updateEvent(props({ Tags: [{ Key: 'team', Value: 'vdi' }] }), props()), contextWith());

    // THEN
    expect(account.changes).toEqual([`DeleteTags ${ALIAS_ID}`]);
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags({ team: 'vdi' }));
  });

  test('removing every user tag keeps the owner tag', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags({ team: 'vdi' }) });

    // WHEN
    await handler(updateEvent(props(), props({ Tags: [{ Key: 'team', Value: 'vdi' }] })), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags());
  });

  test('unchanged tags (and an unchanged directory and share) make no change at all', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags({ team: 'vdi', 'aws:cloudformation:logical-id': 'X' }), sharedWith: SHARED_ACCOUNT, association: { directoryId: DIRECTORY } });
    const properties = props({ Tags: [{ Key: 'team', Value: 'vdi' }], DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: account.alias(ALIAS_ID)?.associations[0].connectionIdentifier },
    });
  });

  test('a missing owner tag is set again, alone', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: { team: 'vdi' } });

    // WHEN
    await handler(updateEvent(props({ Tags: [{ Key: 'team', Value: 'vdi' }] }), props()), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [...MARKS] });
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags({ team: 'vdi' }));
  });
});

describe('Update of an alias this resource does not own', () => {
  test.each([
    [
      'another resource of this stack took it over',
      { [OWNER_TAG_KEY]: ownerTagValue(STACK_NAME, 'RenamedAlias9F8E7D6C'), [STACK_TAG_KEY]: STACK_NAME, team: 'vdi' },
      'another resource of this stack',
    ],
    ['another stack marked it', { [OWNER_TAG_KEY]: ownerTagValue('OtherStack', 'Alias'), [STACK_TAG_KEY]: 'OtherStack', team: 'vdi' }, 'stack OtherStack'],
  ])('fails naming the owner and changes nothing when %s', async (_, tags, owner) => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags, association: { directoryId: DIRECTORY } });

    // WHEN
    const result = handler(updateEvent(props({ Tags: [{ Key: 'team', Value: 'euc' }] }), props({ Tags: [{ Key: 'team', Value: 'vdi' }], DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${ALIAS_ID} is now owned by ${owner}`);
    expect(account.changes).toEqual([]);
    expect(account.alias(ALIAS_ID)).toMatchObject({ tags, associations: [expect.objectContaining({ directoryId: DIRECTORY })] });
  });
});

describe('Update of the directory, in place', () => {
  test('moving to another directory disassociates first, then associates, answering with the new identifier', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY } });

    // WHEN
    const result = await handler(updateEvent(props({ DirectoryId: OTHER_DIRECTORY }), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN (one directory per alias: the fake refuses an Associate while the old association exists)
    const association = account.alias(ALIAS_ID)!.associations;
    expect(association).toEqual([expect.objectContaining({ directoryId: OTHER_DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
    expect(account.changes).toEqual([`Disassociate ${ALIAS_ID}`, `Associate ${ALIAS_ID} ${OTHER_DIRECTORY}`]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: association[0].connectionIdentifier },
    });
  });

  test('removing the directory disassociates, waits until the association is gone, and returns an empty identifier', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY } });

    // WHEN
    const result = await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)?.associations).toEqual([]);
    expect(result.Data).toEqual({ AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' });
  });

  test('a Disassociate refused while the association settles is retried', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY } });
    account.fail('DisassociateConnectionAlias', { error: settling });

    // WHEN
    await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(sent(DisassociateConnectionAliasCommand)).toBe(2);
    expect(account.alias(ALIAS_ID)?.associations).toEqual([]);
  });

  test('an association made by the shared account blocks associating with a directory, with a clear message', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });
    account.associateFromSharedAccount(ALIAS_ID, SHARED_ACCOUNT, DIRECTORY);
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = handler(updateEvent({ ...properties, DirectoryId: OTHER_DIRECTORY }, properties), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Connection alias ${ALIAS_ID} is associated with directory ${DIRECTORY} by the shared account ${SHARED_ACCOUNT}; ` +
      'an alias can be associated with only one directory per Region. That account must disassociate it first.',
    );
    expect(account.changes).toEqual([]);
  });

  test("without a DirectoryId the shared account's association is left alone", async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });
    account.associateFromSharedAccount(ALIAS_ID, SHARED_ACCOUNT, DIRECTORY);
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(account.alias(ALIAS_ID)?.associations).toHaveLength(1);
    expect(result.Data?.ConnectionIdentifier).toBe('');
  });

  test('a failing in-place update is not undone: the alias stays', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('AssociateConnectionAlias', { error: new AccessDeniedException({ message: 'Not authorized to associate', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^AccessDeniedException: Not authorized to associate$/);
    expect(account.alias(ALIAS_ID)?.state).toBe('CREATED');
    expect(account.aliasIds()).toEqual([ALIAS_ID]);
  });

  test('removing the directory while its disassociation is already under way sends no Disassociate', async () => {
    // GIVEN an earlier delivery of this Update got as far as disassociating
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_DISASSOCIATION' } });

    // WHEN
    const result = await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(account.alias(ALIAS_ID)?.associations).toEqual([]);
    expect(result.Data?.ConnectionIdentifier).toBe('');
  });

  test('a rollback to a directory whose association is PENDING_DISASSOCIATION waits for it to go, then associates again', async () => {
    // GIVEN the failed Update (to OTHER_DIRECTORY) had started disassociating DIRECTORY; the rollback wants DIRECTORY back
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_DISASSOCIATION' } });

    // WHEN
    const result = await handler(updateEvent(props({ DirectoryId: DIRECTORY }), props({ DirectoryId: OTHER_DIRECTORY }), ALIAS_ID, 'req-rollback'), contextWith());

    // THEN it did not take the disassociating entry for one that is becoming associated
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(account.changes).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`]);
    const association = account.alias(ALIAS_ID)!.associations[0];
    expect(association).toMatchObject({ directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' });
    expect(result.Data?.ConnectionIdentifier).toBe(association.connectionIdentifier);
  });
});

describe('AssociateConnectionAlias refused with ResourceAssociatedException during an Update', () => {
  test('is success when our association with the same directory is there (the retry of a call that went through)', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('AssociateConnectionAlias', { apply: true, error: refused });

    // WHEN
    const result = await handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    expect(sent(AssociateConnectionAliasCommand)).toBe(1);
    expect(result.Data?.ConnectionIdentifier).toBe(account.alias(ALIAS_ID)?.associations[0].connectionIdentifier);
  });

  test.each([
    ['our association with another directory', () => account.fail('AssociateConnectionAlias', { effect: () => account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: OTHER_DIRECTORY } }), error: refused })],
    ["the shared account's association with the same directory", () => account.fail('AssociateConnectionAlias', { effect: () => account.associateFromSharedAccount(ALIAS_ID, SHARED_ACCOUNT, DIRECTORY), error: refused })],
    ['no association at all', () => account.fail('AssociateConnectionAlias', { error: refused })],
  ])('is rethrown with the service message when the account then shows %s', async (_, given) => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    given();

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^ResourceAssociatedException: The connection alias is already associated$/);
    expect(sent(AssociateConnectionAliasCommand)).toBe(1);
  });
});

describe('Update of the share, in place', () => {
  test('moving the share unshares the old account first, then shares with the new one', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent(props({ SharedAccountId: OTHER_SHARED_ACCOUNT }), props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN (WorkSpaces shares an alias with one other account at most)
    expect(account.changes).toEqual([`Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Share ${ALIAS_ID} ${OTHER_SHARED_ACCOUNT}`]);
    expect(account.alias(ALIAS_ID)?.sharedWith).toBe(OTHER_SHARED_ACCOUNT);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('removing SharedAccountId unshares', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });

    // WHEN
    await handler(updateEvent(props(), props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(account.alias(ALIAS_ID)?.sharedWith).toBeUndefined();
  });

  test('an unshare refused because the shared account still uses the alias fails with a message naming that account', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT });
    account.associateFromSharedAccount(ALIAS_ID, SHARED_ACCOUNT, DIRECTORY);

    // WHEN
    const result = handler(updateEvent(props({ SharedAccountId: OTHER_SHARED_ACCOUNT }), props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Connection alias ${ALIAS_ID} cannot stop being shared with account ${SHARED_ACCOUNT}: account ${SHARED_ACCOUNT} has it ` +
      `associated with its directory ${DIRECTORY} (ASSOCIATED_WITH_SHARED_ACCOUNT). That account must remove its association first`,
    );
    expect(account.alias(ALIAS_ID)?.sharedWith).toBe(SHARED_ACCOUNT);
    expect(account.alias(ALIAS_ID)?.associations).toEqual([expect.objectContaining({ directoryId: DIRECTORY })]);
  });

  test('reads every page of permissions and ignores ones that do not allow association', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    ws.on(DescribeConnectionAliasPermissionsCommand, { AliasId: ALIAS_ID })
      .resolvesOnce({ ConnectionAliasPermissions: [{ SharedAccountId: OTHER_SHARED_ACCOUNT, AllowAssociation: false }], NextToken: 'perm-2' })
      .resolvesOnce({ ConnectionAliasPermissions: [{ SharedAccountId: SHARED_ACCOUNT, AllowAssociation: true }] })
      .rejects(new Error('test: unexpected extra page'));
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    await handler(updateEvent(properties, properties), contextWith());

    // THEN neither a share nor an unshare: the second page shows the share, the first one's entry is no share
    expect(ws).toHaveReceivedNthSpecificCommandWith(2, DescribeConnectionAliasPermissionsCommand, { AliasId: ALIAS_ID, NextToken: 'perm-2' });
    expect(account.changes).toEqual([]);
  });
});
