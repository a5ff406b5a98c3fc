import {
  AccessDeniedException,
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  DisassociateConnectionAliasCommand,
  ResourceAssociatedException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import {
  ALIAS_ID,
  CONNECTION_IDENTIFIER,
  CONNECTION_STRING,
  DIRECTORY,
  DescribeAnswer,
  GONE,
  NEW_ALIAS_ID,
  NEW_CONNECTION_STRING,
  OTHER_CONNECTION_IDENTIFIER,
  OTHER_DIRECTORY,
  OTHER_SHARED_ACCOUNT,
  OWNER_TAG_KEY,
  SHARED_ACCOUNT,
  alias,
  backoffSleeps,
  callLog,
  contextWith,
  created,
  givenDescribe,
  givenSearch,
  givenSharedWith,
  givenTags,
  mutations,
  ourTags,
  ownerAssociation,
  ownerTagValue,
  props,
  resetWorkSpaces,
  settling,
  sharedAccountAssociation,
  updateEvent,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';
import { sleep } from '../../lambda/shared/sleep';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

beforeEach(() => {
  resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const OWNER_TAG = { Key: OWNER_TAG_KEY, Value: ownerTagValue() };

/** The replacement alias, with the new connection string. */
function newAlias(state: 'CREATING' | 'CREATED' | 'DELETING', directory?: string): ReturnType<typeof alias> {
  return alias(state, {
    id: NEW_ALIAS_ID,
    connectionString: NEW_CONNECTION_STRING,
    ...(directory ? { associations: [ownerAssociation(directory)] } : {}),
  });
}

describe('Update of tags, in place', () => {
  test('deletes removed keys, then sets added and changed ones together with the owner tag, leaving aws: tags alone', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags({ team: 'vdi', env: 'prod', 'aws:cloudformation:stack-name': 'DesktopStack' }));
    const desired = [{ Key: 'team', Value: 'desktops' }, { Key: 'cost', Value: '42' }];

    // WHEN
    const result = await handler(
      updateEvent(props({ Tags: desired }), props({ Tags: [{ Key: 'team', Value: 'vdi' }, { Key: 'env', Value: 'prod' }] })),
      contextWith(),
    );

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DeleteTagsCommand, 1);
    expect(ws).toHaveReceivedCommandWith(DeleteTagsCommand, { ResourceId: ALIAS_ID, TagKeys: ['env'] });
    expect(ws).toHaveReceivedCommandTimes(CreateTagsCommand, 1);
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [...desired, OWNER_TAG] });
    expect(mutations()).toEqual([`DeleteTags ${ALIAS_ID}`, `CreateTags ${ALIAS_ID}`]);
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' },
    });
  });

  test('only removing a tag calls DeleteTags and no CreateTags', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags({ team: 'vdi', env: 'prod' }));

    // WHEN
    await handler(updateEvent(props({ Tags: [{ Key: 'team', Value: 'vdi' }] }), props()), contextWith());

    // THEN
    expect(mutations()).toEqual([`DeleteTags ${ALIAS_ID}`]);
    expect(ws).toHaveReceivedCommandWith(DeleteTagsCommand, { ResourceId: ALIAS_ID, TagKeys: ['env'] });
  });

  test('removing every user tag keeps the owner tag', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags({ team: 'vdi' }));

    // WHEN
    await handler(updateEvent(props(), props({ Tags: [{ Key: 'team', Value: 'vdi' }] })), contextWith());

    // THEN
    expect(mutations()).toEqual([`DeleteTags ${ALIAS_ID}`]);
    expect(ws).toHaveReceivedCommandWith(DeleteTagsCommand, { ResourceId: ALIAS_ID, TagKeys: ['team'] });
  });

  test('unchanged tags (and an unchanged directory and share) make no change at all', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, created(DIRECTORY));
    givenTags(ALIAS_ID, ourTags({ team: 'vdi', 'aws:cloudformation:logical-id': 'X' }));
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    const properties = props({ Tags: [{ Key: 'team', Value: 'vdi' }], DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(mutations()).toEqual([]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: CONNECTION_IDENTIFIER },
    });
  });

  test('a missing owner tag is set again, alone', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, { team: 'vdi' });

    // WHEN
    await handler(updateEvent(props({ Tags: [{ Key: 'team', Value: 'vdi' }] }), props()), contextWith());

    // THEN
    expect(mutations()).toEqual([`CreateTags ${ALIAS_ID}`]);
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [OWNER_TAG] });
  });
});

describe('Update of the directory, in place', () => {
  test('moving to another directory disassociates, waits until that is done, associates, and waits again', async () => {
    // GIVEN
    givenDescribe(
      ALIAS_ID,
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY, 'PENDING_DISASSOCIATION'),
      created(DIRECTORY, 'NOT_ASSOCIATED', null),
      created(OTHER_DIRECTORY, 'PENDING_ASSOCIATION', null),
      created(OTHER_DIRECTORY, 'ASSOCIATED_WITH_OWNER_ACCOUNT', OTHER_CONNECTION_IDENTIFIER),
    );
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props({ DirectoryId: OTHER_DIRECTORY }), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DisassociateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(DisassociateConnectionAliasCommand, { AliasId: ALIAS_ID });
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: OTHER_DIRECTORY });
    expect(callLog()).toEqual([
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Disassociate ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Associate ${ALIAS_ID} ${OTHER_DIRECTORY}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: OTHER_CONNECTION_IDENTIFIER },
    });
  });

  test('removing the directory disassociates, waits until the association is gone, and returns an empty identifier', async () => {
    // GIVEN the association entry disappears once disassociated
    givenDescribe(
      ALIAS_ID,
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY),
      created(DIRECTORY, 'PENDING_DISASSOCIATION'),
      alias('CREATED'),
    );
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(mutations()).toEqual([`Disassociate ${ALIAS_ID}`]);
    expect(callLog().slice(-4)).toEqual([`Describe ${ALIAS_ID}`, `Disassociate ${ALIAS_ID}`, `Describe ${ALIAS_ID}`, `Describe ${ALIAS_ID}`]);
    expect(result.Data).toEqual({ AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' });
  });

  test('a Disassociate refused while the association settles is retried', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, ...Array(5).fill(created(DIRECTORY)), alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    ws.on(DisassociateConnectionAliasCommand).rejectsOnce(settling()).resolves({});

    // WHEN
    await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN each attempt looks first and still sees the association
    expect(ws).toHaveReceivedCommandTimes(DisassociateConnectionAliasCommand, 2);
    expect(callLog().slice(-5)).toEqual([
      `Describe ${ALIAS_ID}`,
      `Disassociate ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Disassociate ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
  });

  test('an association made by the shared account blocks associating with a directory, with a clear message', async () => {
    // GIVEN
    const bySharedAccount = alias('CREATED', { associations: [sharedAccountAssociation(DIRECTORY)] });
    givenDescribe(ALIAS_ID, bySharedAccount);
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = handler(updateEvent({ ...properties, DirectoryId: OTHER_DIRECTORY }, properties), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Connection alias ${ALIAS_ID} is associated with directory ${DIRECTORY} by the shared account ${SHARED_ACCOUNT}; ` +
      'an alias can be associated with only one directory per Region. That account must disassociate it first.',
    );
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test("without a DirectoryId the shared account's association is left alone", async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED', { associations: [sharedAccountAssociation(DIRECTORY)] }));
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(mutations()).toEqual([]);
    expect(result.Data?.ConnectionIdentifier).toBe('');
  });

  test('a failing in-place update is not undone: the alias stays', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(new AccessDeniedException({ message: 'Not authorized to associate', $metadata: {} }));

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^AccessDeniedException: Not authorized to associate$/);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(mutations()).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`]);
  });
});

describe('Update of the share, in place', () => {
  test('moving the share unshares the old account first, then shares with the new one', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);

    // WHEN
    const result = await handler(
      updateEvent(props({ SharedAccountId: OTHER_SHARED_ACCOUNT }), props({ SharedAccountId: SHARED_ACCOUNT })),
      contextWith(),
    );

    // THEN
    expect(mutations()).toEqual([`Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Share ${ALIAS_ID} ${OTHER_SHARED_ACCOUNT}`]);
    expect(ws).toHaveReceivedNthSpecificCommandWith(1, UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS_ID,
      ConnectionAliasPermission: { SharedAccountId: SHARED_ACCOUNT, AllowAssociation: false },
    });
    expect(ws).toHaveReceivedNthSpecificCommandWith(2, UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS_ID,
      ConnectionAliasPermission: { SharedAccountId: OTHER_SHARED_ACCOUNT, AllowAssociation: true },
    });
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('removing SharedAccountId unshares', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);

    // WHEN
    await handler(updateEvent(props(), props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(mutations()).toEqual([`Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`]);
  });

  test('an unshare refused because the shared account still uses the alias fails with a message naming that account', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED', { associations: [sharedAccountAssociation(DIRECTORY)] }));
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(
      new ResourceAssociatedException({ message: 'The connection alias is associated with a directory', $metadata: {} }),
    );

    // WHEN
    const result = handler(
      updateEvent(props({ SharedAccountId: OTHER_SHARED_ACCOUNT }), props({ SharedAccountId: SHARED_ACCOUNT })),
      contextWith(),
    );

    // THEN
    await expect(result).rejects.toThrow(
      `Cannot stop sharing connection alias ${ALIAS_ID} with account ${SHARED_ACCOUNT}: that account still has it associated ` +
      'with one of its directories and must disassociate it first (ResourceAssociatedException: The connection alias is associated with a directory)',
    );
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(mutations()).toEqual([`Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`]);
  });

  test('reads every page of permissions and ignores ones that do not allow association', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    ws.on(DescribeConnectionAliasPermissionsCommand, { AliasId: ALIAS_ID })
      .resolvesOnce({ ConnectionAliasPermissions: [{ SharedAccountId: OTHER_SHARED_ACCOUNT, AllowAssociation: false }], NextToken: 'perm-2' })
      .resolvesOnce({ ConnectionAliasPermissions: [{ SharedAccountId: SHARED_ACCOUNT, AllowAssociation: true }] })
      .rejects(new Error('test: unexpected extra page'));
    const properties = props({ SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(DescribeConnectionAliasPermissionsCommand, 2);
    expect(ws).toHaveReceivedNthSpecificCommandWith(2, DescribeConnectionAliasPermissionsCommand, { AliasId: ALIAS_ID, NextToken: 'perm-2' });
    expect(mutations()).toEqual([]);
  });
});

describe('Update that needs a new alias', () => {
  test('a new connection string creates a new alias, returns its id, and leaves the old alias for the cleanup Delete', async () => {
    // GIVEN the old alias is associated and shared; no alias has the new string yet
    givenDescribe(ALIAS_ID, created(DIRECTORY));
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);
    ws.on(CreateConnectionAliasCommand).resolves({ AliasId: NEW_ALIAS_ID });
    givenDescribe(NEW_ALIAS_ID, newAlias('CREATING'), newAlias('CREATED'), newAlias('CREATED'), newAlias('CREATED', DIRECTORY));
    givenTags(NEW_ALIAS_ID, ourTags());
    const old = props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT });

    // WHEN
    const result = await handler(updateEvent({ ...old, ConnectionString: NEW_CONNECTION_STRING }, old), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, { ConnectionString: NEW_CONNECTION_STRING, Tags: [OWNER_TAG] });
    expect(mutations()).toEqual([
      `Create ${NEW_CONNECTION_STRING}`,
      `Share ${NEW_ALIAS_ID} ${SHARED_ACCOUNT}`,
      `Associate ${NEW_ALIAS_ID} ${DIRECTORY}`,
    ]);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(result).toEqual({
      PhysicalResourceId: NEW_ALIAS_ID,
      Data: { AliasId: NEW_ALIAS_ID, ConnectionString: NEW_CONNECTION_STRING, ConnectionIdentifier: CONNECTION_IDENTIFIER },
    });
  });

  test('a rollback to the old connection string adopts the old alias (our owner tag) and creates nothing', async () => {
    // GIVEN the stack rolls back: the physical id is the new alias, the properties are the old ones
    givenDescribe(NEW_ALIAS_ID, newAlias('CREATED'));
    givenSearch({ aliases: [newAlias('CREATED'), alias('CREATED')] });
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, alias('CREATED'));

    // WHEN
    const result = await handler(updateEvent(props(), props({ ConnectionString: NEW_CONNECTION_STRING }), NEW_ALIAS_ID), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(mutations()).toEqual([]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('an alias adopted in an Update is not deleted when configuring it fails', async () => {
    // GIVEN
    givenDescribe(NEW_ALIAS_ID, newAlias('CREATED'));
    givenSearch({ aliases: [alias('CREATED')] });
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, alias('CREATED'));
    ws.on(AssociateConnectionAliasCommand).rejects(new AccessDeniedException({ message: 'Not authorized to associate', $metadata: {} }));

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props({ ConnectionString: NEW_CONNECTION_STRING }), NEW_ALIAS_ID), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^AccessDeniedException: Not authorized to associate$/);
    expect(mutations()).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`]);
  });

  test('a replacement alias that cannot be configured is deleted again; the old alias is untouched', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    ws.on(CreateConnectionAliasCommand).resolves({ AliasId: NEW_ALIAS_ID });
    givenDescribe(NEW_ALIAS_ID, ...Array(6).fill(newAlias('CREATED')), GONE);
    givenTags(NEW_ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(
      new ResourceNotFoundException({ message: `The directory ${DIRECTORY} could not be found`, $metadata: {} }),
    );

    // WHEN
    const result = handler(updateEvent(props({ ConnectionString: NEW_CONNECTION_STRING, DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceNotFoundException: The directory ${DIRECTORY} could not be found ` +
      `(connection alias ${NEW_ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(mutations()).toEqual([`Create ${NEW_CONNECTION_STRING}`, `Associate ${NEW_ALIAS_ID} ${DIRECTORY}`, `Delete ${NEW_ALIAS_ID}`]);
  });

  test.each<[string, DescribeAnswer]>([
    ['an empty Describe', GONE],
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'Alias not found', $metadata: {} })],
  ])('an alias deleted out of band (%s) is created again with a new id', async (_, answer) => {
    // GIVEN
    givenDescribe(ALIAS_ID, answer);
    ws.on(CreateConnectionAliasCommand).resolves({ AliasId: NEW_ALIAS_ID });
    givenDescribe(NEW_ALIAS_ID, alias('CREATED', { id: NEW_ALIAS_ID }));
    givenTags(NEW_ALIAS_ID, ourTags({ team: 'vdi' }));
    const properties = props({ Tags: [{ Key: 'team', Value: 'vdi' }] });

    // WHEN
    const result = await handler(updateEvent(properties, properties), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, {
      ConnectionString: CONNECTION_STRING,
      Tags: [{ Key: 'team', Value: 'vdi' }, OWNER_TAG],
    });
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`]);
    expect(result).toEqual({
      PhysicalResourceId: NEW_ALIAS_ID,
      Data: { AliasId: NEW_ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' },
    });
  });

  test('an alias being deleted out of band is waited for, then created again', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('DELETING'), alias('DELETING'), GONE);
    givenSearch({ aliases: [alias('DELETING')] });
    ws.on(CreateConnectionAliasCommand).resolves({ AliasId: NEW_ALIAS_ID });
    givenDescribe(NEW_ALIAS_ID, alias('CREATED', { id: NEW_ALIAS_ID }));
    givenTags(NEW_ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props(), props()), contextWith());

    // THEN
    expect(callLog().slice(0, 5)).toEqual([
      `Describe ${ALIAS_ID}`,
      'Search',
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Create ${CONNECTION_STRING}`,
    ]);
    expect(result.PhysicalResourceId).toBe(NEW_ALIAS_ID);
  });

  test('a physical id that is not an alias id is not described; an alias is created', async () => {
    // GIVEN
    ws.on(CreateConnectionAliasCommand).resolves({ AliasId: NEW_ALIAS_ID });
    givenDescribe(NEW_ALIAS_ID, alias('CREATED', { id: NEW_ALIAS_ID }));
    givenTags(NEW_ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props(), props(), 'hand-edited-id'), contextWith());

    // THEN
    expect(callLog().slice(0, 2)).toEqual(['Search', `Create ${CONNECTION_STRING}`]);
    expect(ws).not.toHaveReceivedCommandWith(DescribeConnectionAliasesCommand, { AliasIds: ['hand-edited-id'] });
    expect(result.PhysicalResourceId).toBe(NEW_ALIAS_ID);
  });

  test('a connection string that differs only in case keeps the alias (DNS names ignore case)', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props({ ConnectionString: 'Desktop.Example.COM' }), props()), contextWith());

    // THEN
    expect(mutations()).toEqual([]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });
});

describe('validation on Update', () => {
  test.each([
    [props({ ConnectionString: 'bad string' }), 'connectionString must be'],
    [props({ DirectoryId: 'd-XYZ' }), 'directoryId must be a WorkSpaces directory id'],
    [props({ SharedAccountId: 'abc' }), 'sharedAccountId must be a 12-digit AWS account id'],
    [props({ Tags: [{ Key: 'aws:created-by', Value: 'x' }] }), "tags: the key 'aws:created-by' is reserved"],
    [props({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'x' }] }), `tags: the key '${OWNER_TAG_KEY}' is reserved`],
  ])('rejects %o before any AWS call', async (properties, problem) => {
    // WHEN
    const result = handler(updateEvent(properties, props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Invalid resource properties: ${problem}`);
    expect(ws).not.toHaveReceivedAnyCommand();
  });
});

describe('Update meeting a disassociation already under way', () => {
  const DESCRIBE = `Describe ${ALIAS_ID}`;

  test('removing the directory while its disassociation is already under way sends no Disassociate and waits until it is gone', async () => {
    // GIVEN an earlier delivery of this Update got as far as disassociating
    const disassociating = created(DIRECTORY, 'PENDING_DISASSOCIATION');
    givenDescribe(ALIAS_ID, ...Array(5).fill(disassociating), alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(updateEvent(props(), props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(callLog()).toEqual([
      DESCRIBE,
      DESCRIBE,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      DESCRIBE, // reconcile: the association is PENDING_DISASSOCIATION
      DESCRIBE, // disassociate looks first: still under way, no call
      DESCRIBE, // waiting: still PENDING_DISASSOCIATION
      DESCRIBE, // gone
    ]);
    // one backoff step, after the PENDING_DISASSOCIATION the wait saw
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(1));
    expect(result.Data).toEqual({ AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' });
  });

  test('a rollback to a directory whose association is PENDING_DISASSOCIATION waits for it to go, associates again, and waits until established', async () => {
    // GIVEN the failed Update (to OTHER_DIRECTORY) had started disassociating DIRECTORY; the rollback wants DIRECTORY back
    const disassociating = created(DIRECTORY, 'PENDING_DISASSOCIATION');
    givenDescribe(
      ALIAS_ID,
      ...Array(5).fill(disassociating),
      alias('CREATED'),
      created(DIRECTORY, 'PENDING_ASSOCIATION', null),
      created(DIRECTORY, 'ASSOCIATED_WITH_OWNER_ACCOUNT', OTHER_CONNECTION_IDENTIFIER),
    );
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(
      updateEvent(props({ DirectoryId: DIRECTORY }), props({ DirectoryId: OTHER_DIRECTORY }), ALIAS_ID, 'req-rollback'),
      contextWith(),
    );

    // THEN it did not take the disassociating entry for one that is becoming associated
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: DIRECTORY });
    expect(callLog()).toEqual([
      DESCRIBE,
      DESCRIBE,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      DESCRIBE, // reconcile: DIRECTORY, but PENDING_DISASSOCIATION
      DESCRIBE, // disassociate looks first: under way, no call
      DESCRIBE, // waiting: still PENDING_DISASSOCIATION
      DESCRIBE, // gone
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      DESCRIBE, // PENDING_ASSOCIATION
      DESCRIBE, // ASSOCIATED_WITH_OWNER_ACCOUNT
    ]);
    // the first step of two waits, each backing off afresh: for the disassociation, and for the new association
    expect(jest.mocked(sleep).mock.calls).toEqual([...backoffSleeps(1), ...backoffSleeps(1)]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: OTHER_CONNECTION_IDENTIFIER },
    });
  });
});

describe('AssociateConnectionAlias refused with ResourceAssociatedException during an Update', () => {
  const refused = () => new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} });

  test('is success when a fresh Describe shows our association with the same directory (the retry of a call that went through)', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), created(DIRECTORY));
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(refused());

    // WHEN
    const result = await handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(mutations()).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`]);
    expect(callLog().slice(-3)).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`, `Describe ${ALIAS_ID}`, `Describe ${ALIAS_ID}`]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: CONNECTION_IDENTIFIER },
    });
  });

  test.each<[string, DescribeAnswer]>([
    ['our association with another directory', created(OTHER_DIRECTORY)],
    ["the shared account's association with the same directory", alias('CREATED', { associations: [sharedAccountAssociation(DIRECTORY)] })],
    ['no association at all', alias('CREATED')],
  ])('is rethrown with the service message when a fresh Describe shows %s', async (_, seen) => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), seen);
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(refused());

    // WHEN
    const result = handler(updateEvent(props({ DirectoryId: DIRECTORY }), props()), contextWith());

    // THEN
    await expect(result).rejects.toThrow(/^ResourceAssociatedException: The connection alias is already associated$/);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(mutations()).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`]);
    expect(callLog().slice(-2)).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`, `Describe ${ALIAS_ID}`]);
    expect(sleep).not.toHaveBeenCalled();
  });
});
