import {
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand,
  ResourceAlreadyExistsException,
  ResourceLimitExceededException,
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
  FOREIGN_ALIAS_ID,
  LOGICAL_ID,
  OWNER_TAG_KEY,
  STACK_NAME,
  STACK_TAG_KEY,
  RESPONSE_URL,
  SHARED_ACCOUNT,
  TEN_MINUTES,
  UNDO_RESERVE_MS,
  contextWith,
  createEvent,
  elapsedMs,
  ourTags,
  legacyOwnerTagValue,
  ownerTagValue,
  PREVIOUS_OWNER_TAG_KEY,
  props,
  resetWorkSpaces,
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

/** Another stack's id, for an owner tag that is not ours. */
const OTHER_STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/OtherStack/guid';

const USER_TAGS = [
  { Key: 'team', Value: 'vdi' },
  { Key: 'env', Value: 'prod' },
];

const alreadyExists = (message = 'Already exists') => new ResourceAlreadyExistsException({ message, $metadata: {} });

describe('Create', () => {
  test('creates the alias with the user tags and the owner tag, answers once it is CREATED, and returns its id', async () => {
    // WHEN
    const result = await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, {
      ConnectionString: CONNECTION_STRING,
      Tags: [...USER_TAGS, { Key: OWNER_TAG_KEY, Value: ownerTagValue() }, { Key: STACK_TAG_KEY, Value: STACK_NAME }],
    });
    // Pinned once: sha256 hex of `${stack name}/${LogicalResourceId}`, so a change of the recipe shows up here.
    expect(ownerTagValue()).toBe('99667d43990f8d8e08a7532258797023d9bea66b27680a4eec24ec717bf6cfe0');
    expect(account.alias(ALIAS_ID)).toEqual({ state: 'CREATED', connectionString: CONNECTION_STRING, tags: ourTags({ team: 'vdi', env: 'prod' }), sharedWith: undefined, associations: [] });
    // it answered only after the alias left CREATING
    expect(elapsedMs()).toBeGreaterThanOrEqual(account.delays.create);
    // the tags were right from the start: no tag calls
    expect(ws).not.toHaveReceivedCommand(CreateTagsCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteTagsCommand);
    expect(account.changes).toEqual([`Create ${CONNECTION_STRING}`]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' },
    });
  });

  test('shares with SharedAccountId and associates with DirectoryId, answering with the identifier once the association is established', async () => {
    // GIVEN Describe shows the ConnectionIdentifier only a while after the association is established
    account.delays.identifier = 1_500;

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    const alias = account.alias(ALIAS_ID)!;
    expect(alias.sharedWith).toBe(SHARED_ACCOUNT);
    expect(alias.associations).toEqual([{ accountId: '111111111111', directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_OWNER_ACCOUNT', connectionIdentifier: expect.any(String) }]);
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(elapsedMs()).toBeGreaterThanOrEqual(account.delays.create + account.delays.associate + account.delays.identifier);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: alias.associations[0].connectionIdentifier },
    });
  });

  test('sets the tags again when the new alias does not show them yet, always with the owner tag', async () => {
    // GIVEN DescribeTags lags behind the tags CreateConnectionAlias set
    account.fail('DescribeTags', {});

    // WHEN
    await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DeleteTagsCommand);
    expect(ws).toHaveReceivedCommandTimes(CreateTagsCommand, 1);
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, { ResourceId: ALIAS_ID, Tags: [...USER_TAGS, { Key: OWNER_TAG_KEY, Value: ownerTagValue() }, { Key: STACK_TAG_KEY, Value: STACK_NAME }] });
    expect(account.alias(ALIAS_ID)?.tags).toEqual(ourTags({ team: 'vdi', env: 'prod' }));
  });

  test('treats an empty DirectoryId and SharedAccountId (older templates) as not set', async () => {
    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: '', SharedAccountId: '' })), contextWith());

    // THEN
    expect(account.changes).toEqual([`Create ${CONNECTION_STRING}`]);
    expect(result.Data?.ConnectionIdentifier).toBe('');
  });

  test('never logs the pre-signed ResponseURL', async () => {
    // WHEN
    await handler(createEvent(), contextWith());

    // THEN
    const lines = jest.mocked(console.log).mock.calls.map((args) => args.join(' '));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('SECRET-SIGNATURE');
    expect(lines.join('\n')).not.toContain(RESPONSE_URL);
    expect(JSON.parse(lines[0])).toMatchObject({ logicalResourceId: LOGICAL_ID, requestType: 'Create', requestId: 'req-create' });
  });

  test('fails when CreateConnectionAlias returns no AliasId, and logs the failure with its reason', async () => {
    // GIVEN
    account.fail('CreateConnectionAlias', {});

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    const message = `CreateConnectionAlias for '${CONNECTION_STRING}' returned no AliasId`;
    await expect(result).rejects.toThrow(message);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    const failed = jest.mocked(console.log).mock.calls.map((args) => JSON.parse(String(args[0]))).find((line) => line.message === 'failed');
    expect(failed).toMatchObject({ reason: message, requestType: 'Create', logicalResourceId: LOGICAL_ID });
  });

  test('rejects an unknown request type', async () => {
    // WHEN
    const result = handler({ ...createEvent(), RequestType: 'Replace' } as never, contextWith());

    // THEN
    await expect(result).rejects.toThrow("Unknown RequestType 'Replace'");
    expect(ws).not.toHaveReceivedAnyCommand();
  });
});

describe('Create finds an alias with the same connection string', () => {
  test('adopts the alias an earlier delivery created (it has our owner tag) instead of creating one', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags({ team: 'vdi', env: 'prod' }) });

    // WHEN
    const result = await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(account.changes).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: ALIAS_ID, Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' } });
  });

  test('an adopted alias that an earlier delivery already shared and associated is not shared or associated again', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), sharedWith: SHARED_ACCOUNT, association: { directoryId: DIRECTORY } });

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(account.changes).toEqual([]);
    expect(result.Data?.ConnectionIdentifier).toBe(account.alias(ALIAS_ID)?.associations[0].connectionIdentifier);
  });

  test('an adopted alias whose association is still pending is waited for, not associated again', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags(), association: { directoryId: DIRECTORY, status: 'PENDING_ASSOCIATION' } });

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(account.alias(ALIAS_ID)?.associations[0].status).toBe('ASSOCIATED_WITH_OWNER_ACCOUNT');
    expect(result.Data?.ConnectionIdentifier).toBe(account.alias(ALIAS_ID)?.associations[0].connectionIdentifier);
  });

  test.each([
    ['has no owner tag', {}, `carries no '${OWNER_TAG_KEY}' tag, so this library did not create it and does not take it over`],
    [
      'belongs to a resource of another stack',
      { [OWNER_TAG_KEY]: ownerTagValue('OtherStack', 'SomeoneElse'), [STACK_TAG_KEY]: 'OtherStack' },
      'is owned by stack OtherStack, so it is not taken over',
    ],
    [
      'carries a first-version mark of another stack',
      { [OWNER_TAG_KEY]: legacyOwnerTagValue(OTHER_STACK_ID, 'SomeoneElse') },
      'is owned by a resource of another stack, so it is not taken over',
    ],
  ])('fails, touching nothing, when the existing alias %s', async (_, tags, why) => {
    // GIVEN
    account.seed({ id: FOREIGN_ALIAS_ID, tags });

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${FOREIGN_ALIAS_ID} already uses the connection string '${CONNECTION_STRING}' and ${why}`);
    await expect(result).rejects.toThrow(`ConnectionAlias.fromConnectionAliasId(this, '${LOGICAL_ID}', '${FOREIGN_ALIAS_ID}')`);
    expect(account.changes).toEqual([]);
    expect(account.alias(FOREIGN_ALIAS_ID)).toMatchObject({ state: 'CREATED', tags });
  });

  test('takes over the alias of a renamed resource of the same stack: same alias, marked as ours with the old owner pending', async () => {
    // GIVEN the construct had another logical id in this stack
    const oldOwner = ownerTagValue(STACK_NAME, 'OldAlias0A1B2C3D');
    account.seed({ id: FOREIGN_ALIAS_ID, tags: { [OWNER_TAG_KEY]: oldOwner, [STACK_TAG_KEY]: STACK_NAME, team: 'vdi' } });

    // WHEN
    const result = await handler(createEvent(props({ Tags: [{ Key: 'team', Value: 'vdi' }] })), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(FOREIGN_ALIAS_ID);
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(account.alias(FOREIGN_ALIAS_ID)?.tags).toEqual({ ...ourTags({ team: 'vdi' }), [PREVIOUS_OWNER_TAG_KEY]: oldOwner });
  });

  test('adopts an alias with its first-version mark (StackId and logical id) and marks it anew', async () => {
    // GIVEN
    account.seed({ id: FOREIGN_ALIAS_ID, tags: { [OWNER_TAG_KEY]: legacyOwnerTagValue() } });

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(FOREIGN_ALIAS_ID);
    expect(account.alias(FOREIGN_ALIAS_ID)?.tags).toEqual(ourTags());
  });

  test('a failed Create that took over a renamed resource\'s alias hands it back instead of deleting it', async () => {
    // GIVEN
    const oldOwner = ownerTagValue(STACK_NAME, 'OldAlias0A1B2C3D');
    account.seed({ id: FOREIGN_ALIAS_ID, tags: { [OWNER_TAG_KEY]: oldOwner, [STACK_TAG_KEY]: STACK_NAME } });
    account.fail('AssociateConnectionAlias', { error: new ResourceNotFoundException({ message: 'The directory was not found', $metadata: {} }) });

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`(connection alias ${FOREIGN_ALIAS_ID}, taken over from the renamed resource, was handed back to it)`);
    expect(account.alias(FOREIGN_ALIAS_ID)).toMatchObject({ state: 'CREATED', tags: { [OWNER_TAG_KEY]: oldOwner, [STACK_TAG_KEY]: STACK_NAME } });
  });

  test('waits for a same-string alias that is DELETING to be gone, then creates a new one', async () => {
    // GIVEN
    account.seed({ id: FOREIGN_ALIAS_ID, state: 'DELETING' });

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN (the fake refuses a second alias with the string while the first exists)
    expect(account.aliasIds()).toEqual([ALIAS_ID]);
    expect(elapsedMs()).toBeGreaterThanOrEqual(account.delays.delete);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('a same-string alias that never finishes deleting fails the Create by the work deadline, creating nothing', async () => {
    // GIVEN
    account.delays.delete = Infinity;
    account.seed({ id: FOREIGN_ALIAS_ID, state: 'DELETING' });

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for connection alias ${FOREIGN_ALIAS_ID} to be deleted \\(last seen: DELETING\\)$`),
    );
    expect(account.changes).toEqual([]);
    // the wait is part of the work, so it leaves the undo reserve untouched
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS - UNDO_RESERVE_MS);
  });

  test('fails with the service message and the reservation hint when CreateConnectionAlias says it already exists', async () => {
    // GIVEN another Region or account holds the string
    account.fail('CreateConnectionAlias', { error: alreadyExists('The connection string is already in use') });

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Cannot create a connection alias for '${CONNECTION_STRING}': ResourceAlreadyExistsException: The connection string is already in use. ` +
      'A connection string stays reserved for the account that first created it.',
    );
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(account.aliasIds()).toEqual([]);
  });

  test('a retried CreateConnectionAlias that meets the alias its lost first attempt made adopts it', async () => {
    // GIVEN the first attempt created the alias but its response was lost, and the SDK's retry is refused
    account.fail('CreateConnectionAlias', { apply: true, error: alreadyExists() });

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(account.alias(ALIAS_ID)).toMatchObject({ state: 'CREATED', tags: ourTags() });
  });

  test('a CreateConnectionAlias refused because someone else just made the same string does not adopt it', async () => {
    // GIVEN
    account.fail('CreateConnectionAlias', {
      effect: () => account.seed({ id: FOREIGN_ALIAS_ID, tags: { owner: 'someone-else' } }),
      error: alreadyExists(),
    });

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${FOREIGN_ALIAS_ID} already uses the connection string '${CONNECTION_STRING}' and carries no '${OWNER_TAG_KEY}' tag`);
    expect(account.alias(FOREIGN_ALIAS_ID)).toMatchObject({ state: 'CREATED', tags: { owner: 'someone-else' } });
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('Describe lagging behind a just-created alias is tolerated', async () => {
    // GIVEN Describe does not list the new alias for a while (eventual consistency)
    account.delays.describeLag = 1_000;

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(account.alias(ALIAS_ID)?.state).toBe('CREATED');
  });

  test('passes any other CreateConnectionAlias error on, without undoing anything', async () => {
    // GIVEN the account already has its 20 aliases
    account.fail('CreateConnectionAlias', { error: new ResourceLimitExceededException({ message: 'Limit of 20 connection aliases reached', $metadata: {} }) });

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow('ResourceLimitExceededException: Limit of 20 connection aliases reached');
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});

describe('searching by connection string', () => {
  const other = (n: number) => ({ id: `wsca-other000${n}`, connectionString: `other${n}.example.com` });
  const searches = () => ws.commandCalls(DescribeConnectionAliasesCommand).map((call) => call.args[0].input).filter((input) => !input.AliasIds);

  test('pages through DescribeConnectionAliases with NextToken until it finds the string', async () => {
    // GIVEN one alias per page; ours is on the third of four
    account.pageSize = 1;
    account.seed(other(1));
    account.seed(other(2));
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.seed(other(3));

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN it stopped at the page with the match
    expect(searches()).toEqual([{ Limit: 25, NextToken: undefined }, { Limit: 25, NextToken: 'page-1' }, { Limit: 25, NextToken: 'page-2' }]);
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('reads every page before concluding that no alias has the string', async () => {
    // GIVEN
    account.pageSize = 1;
    [1, 2, 3].forEach((n) => account.seed(other(n)));

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(searches().map((input) => input.NextToken)).toEqual([undefined, 'page-1', 'page-2']);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(account.alias(ALIAS_ID)?.connectionString).toBe(CONNECTION_STRING);
  });
});
