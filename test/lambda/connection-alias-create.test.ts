import {
  AccessDeniedException,
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand,
  InvalidParameterValuesException,
  OperationNotSupportedException,
  ResourceAlreadyExistsException,
  ResourceAssociatedException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import {
  ALIAS_ID,
  ANSWER_RESERVE_MS,
  CONNECTION_IDENTIFIER,
  CONNECTION_STRING,
  DIRECTORY,
  DescribeAnswer,
  FOREIGN_ALIAS_ID,
  GONE,
  LOGICAL_ID,
  OWNER_TAG_KEY,
  RESPONSE_URL,
  SHARED_ACCOUNT,
  TEN_MINUTES,
  UNDO_RESERVE_MS,
  alias,
  backoffGivesUpAfter,
  backoffSleeps,
  callLog,
  contextWith,
  createEvent,
  created,
  deadlinesFor,
  elapsedMs,
  givenDescribe,
  givenDescribeFrom,
  givenSearch,
  givenSharedWith,
  givenTags,
  mutations,
  ourTags,
  ownerTagValue,
  props,
  resetWorkSpaces,
  settling,
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

/** Another stack's id, for an owner tag that is not ours. */
const OTHER_STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/OtherStack/guid';

const USER_TAGS = [
  { Key: 'team', Value: 'vdi' },
  { Key: 'env', Value: 'prod' },
];

describe('Create', () => {
  test('creates the alias with the user tags and the owner tag, waits until CREATED, and returns its id', async () => {
    // GIVEN no alias has the string; the new one is CREATING twice, then CREATED, carrying the tags it was made with
    givenDescribe(ALIAS_ID, alias('CREATING'), alias('CREATING'), alias('CREATED'));
    givenTags(ALIAS_ID, ourTags({ team: 'vdi', env: 'prod' }));

    // WHEN
    const result = await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, {
      ConnectionString: CONNECTION_STRING,
      Tags: [...USER_TAGS, { Key: OWNER_TAG_KEY, Value: ownerTagValue() }],
    });
    // Pinned once: sha256 hex of `${StackId}/${LogicalResourceId}`, so a change of the recipe shows up here.
    expect(ownerTagValue()).toBe('88560f7ca88c112401c48705416c606a6ebe43a242144fb055c05f0758e07798');
    expect(callLog()).toEqual([
      'Search',
      `Create ${CONNECTION_STRING}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
    // tags already match: no tag calls; nothing to share or associate
    expect(ws).not.toHaveReceivedCommand(CreateTagsCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteTagsCommand);
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
    // one backoff step after each CREATING
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(2));
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' },
    });
  });

  test('shares with SharedAccountId and associates with DirectoryId, waiting until the association is established', async () => {
    // GIVEN the association is pending, then established without an identifier, then with one
    givenDescribe(
      ALIAS_ID,
      alias('CREATING'),
      alias('CREATED'),
      alias('CREATED'),
      created(DIRECTORY, 'PENDING_ASSOCIATION', null),
      created(DIRECTORY, 'ASSOCIATED_WITH_OWNER_ACCOUNT', null),
      created(DIRECTORY, 'ASSOCIATED_WITH_OWNER_ACCOUNT', CONNECTION_IDENTIFIER),
    );
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).resolves({ ConnectionIdentifier: 'fromAssociate' });

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS_ID,
      ConnectionAliasPermission: { SharedAccountId: SHARED_ACCOUNT, AllowAssociation: true },
    });
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: DIRECTORY });
    expect(callLog()).toEqual([
      'Search',
      `Create ${CONNECTION_STRING}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Share ${ALIAS_ID} ${SHARED_ACCOUNT}`,
      `Describe ${ALIAS_ID}`,
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
    // the identifier is the one Describe shows once the association is established
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: CONNECTION_IDENTIFIER },
    });
  });

  test('sets the tags again when the new alias does not show them yet, always with the owner tag', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, {});

    // WHEN
    await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(DeleteTagsCommand);
    expect(ws).toHaveReceivedCommandTimes(CreateTagsCommand, 1);
    expect(ws).toHaveReceivedCommandWith(CreateTagsCommand, {
      ResourceId: ALIAS_ID,
      Tags: [...USER_TAGS, { Key: OWNER_TAG_KEY, Value: ownerTagValue() }],
    });
  });

  test('treats an empty DirectoryId and SharedAccountId (older templates) as not set', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: '', SharedAccountId: '' })), contextWith());

    // THEN
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`]);
    expect(result.Data?.ConnectionIdentifier).toBe('');
  });

  test('never logs the pre-signed ResponseURL', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    await handler(createEvent(), contextWith());

    // THEN
    const lines = jest.mocked(console.log).mock.calls.map((args) => args.join(' '));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('SECRET-SIGNATURE');
    expect(lines.join('\n')).not.toContain(RESPONSE_URL);
    expect(JSON.parse(lines[0])).toMatchObject({ logicalResourceId: LOGICAL_ID, requestType: 'Create', requestId: 'req-create' });
  });

  test('fails when CreateConnectionAlias returns no AliasId', async () => {
    // GIVEN
    ws.on(CreateConnectionAliasCommand).resolves({});

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`CreateConnectionAlias for '${CONNECTION_STRING}' returned no AliasId`);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('rejects an unknown request type', async () => {
    // WHEN
    const result = handler({ ...createEvent(), RequestType: 'Replace' } as never, contextWith());

    // THEN
    await expect(result).rejects.toThrow('Unknown request type Replace');
    expect(ws).not.toHaveReceivedAnyCommand();
  });
});

describe('Create finds an alias with the same connection string', () => {
  test('adopts the alias an earlier delivery created (it has our owner tag) instead of creating one', async () => {
    // GIVEN
    givenSearch({ aliases: [alias('CREATED')] });
    givenTags(ALIAS_ID, ourTags({ team: 'vdi', env: 'prod' }));
    givenDescribe(ALIAS_ID, alias('CREATED'));

    // WHEN
    const result = await handler(createEvent(props({ Tags: USER_TAGS })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(mutations()).toEqual([]);
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: '' },
    });
  });

  test('an adopted alias that an earlier delivery already shared and associated is not shared or associated again', async () => {
    // GIVEN
    givenSearch({ aliases: [created(DIRECTORY)] });
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, created(DIRECTORY));
    givenSharedWith(ALIAS_ID, [SHARED_ACCOUNT]);

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(mutations()).toEqual([]);
    expect(result.Data?.ConnectionIdentifier).toBe(CONNECTION_IDENTIFIER);
  });

  test('an adopted alias whose association is still pending is waited for, not associated again', async () => {
    // GIVEN
    givenSearch({ aliases: [created(DIRECTORY, 'PENDING_ASSOCIATION', null)] });
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, created(DIRECTORY, 'PENDING_ASSOCIATION', null), created(DIRECTORY, 'PENDING_ASSOCIATION', null), created(DIRECTORY));

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(result.Data?.ConnectionIdentifier).toBe(CONNECTION_IDENTIFIER);
  });

  test.each([
    ['has no owner tag', {}],
    ['belongs to another stack resource', { [OWNER_TAG_KEY]: ownerTagValue(OTHER_STACK_ID, 'SomeoneElse') }],
  ])('fails, touching nothing, when the existing alias %s', async (_, tags) => {
    // GIVEN
    givenSearch({ aliases: [alias('CREATED', { id: FOREIGN_ALIAS_ID })] });
    givenTags(FOREIGN_ALIAS_ID, tags);

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Connection alias ${FOREIGN_ALIAS_ID} already uses the connection string '${CONNECTION_STRING}' and was not created by ` +
      `${LOGICAL_ID} in this stack, so it is not taken over. Refer to it with ` +
      `ConnectionAlias.fromConnectionAliasId(this, '${LOGICAL_ID}', '${FOREIGN_ALIAS_ID}'), or delete it first.`,
    );
    expect(callLog()).toEqual(['Search', `DescribeTags ${FOREIGN_ALIAS_ID}`]);
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('waits for a same-string alias that is DELETING to be gone, then creates a new one', async () => {
    // GIVEN
    givenSearch({ aliases: [alias('DELETING', { id: FOREIGN_ALIAS_ID })] });
    givenDescribe(FOREIGN_ALIAS_ID, alias('DELETING', { id: FOREIGN_ALIAS_ID }), alias('DELETING', { id: FOREIGN_ALIAS_ID }), GONE);
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(callLog().slice(0, 5)).toEqual([
      'Search',
      `Describe ${FOREIGN_ALIAS_ID}`,
      `Describe ${FOREIGN_ALIAS_ID}`,
      `Describe ${FOREIGN_ALIAS_ID}`,
      `Create ${CONNECTION_STRING}`,
    ]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('a same-string alias that never finishes deleting fails the Create by the work deadline, creating nothing', async () => {
    // GIVEN
    givenSearch({ aliases: [alias('DELETING', { id: FOREIGN_ALIAS_ID })] });
    givenDescribe(FOREIGN_ALIAS_ID, alias('DELETING', { id: FOREIGN_ALIAS_ID }));

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for connection alias ${FOREIGN_ALIAS_ID} to be deleted \\(last seen: DELETING\\)$`),
    );
    expect(mutations()).toEqual([]);
    // the wait is part of the work, so it leaves the undo reserve untouched
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS - UNDO_RESERVE_MS);
  });

  test('fails with the service message and the reservation hint when CreateConnectionAlias says it already exists', async () => {
    // GIVEN
    ws.on(CreateConnectionAliasCommand).rejects(
      new ResourceAlreadyExistsException({ message: 'The connection string is already in use', $metadata: {} }),
    );

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `Cannot create a connection alias for '${CONNECTION_STRING}': ResourceAlreadyExistsException: The connection string is already in use. ` +
      'A connection string stays reserved for the account that first created it.',
    );
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('a retried CreateConnectionAlias that meets the alias its lost first attempt made adopts it', async () => {
    // GIVEN the first attempt created the alias but its response was lost, and the SDK's retry is refused
    givenSearch({ aliases: [] }, { aliases: [alias('CREATING')] });
    ws.on(CreateConnectionAliasCommand).rejects(new ResourceAlreadyExistsException({ message: 'Already exists', $metadata: {} }));
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, alias('CREATED'));

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(ws).toHaveReceivedCommandTimes(CreateConnectionAliasCommand, 1);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('a CreateConnectionAlias refused because someone else just made the same string does not adopt it', async () => {
    // GIVEN
    givenSearch({ aliases: [] }, { aliases: [alias('CREATED')] });
    ws.on(CreateConnectionAliasCommand).rejects(new ResourceAlreadyExistsException({ message: 'Already exists', $metadata: {} }));
    givenTags(ALIAS_ID, { owner: 'someone-else' });

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${ALIAS_ID} already uses the connection string '${CONNECTION_STRING}' and was not created by`);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('Describe lagging behind a just-created alias is tolerated', async () => {
    // GIVEN Describe does not list the new alias for two looks (eventual consistency)
    givenDescribe(ALIAS_ID, GONE, GONE, alias('CREATED'));

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });

  test('passes any other CreateConnectionAlias error on, without undoing anything', async () => {
    // GIVEN the account already has its 20 aliases
    ws.on(CreateConnectionAliasCommand).rejects(
      new ResourceLimitExceededException({ message: 'Limit of 20 connection aliases reached', $metadata: {} }),
    );

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow('ResourceLimitExceededException: Limit of 20 connection aliases reached');
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`]);
  });
});

describe('searching by connection string', () => {
  test('pages through DescribeConnectionAliases with NextToken until it finds the string', async () => {
    // GIVEN our alias is on the second page
    givenSearch(
      { aliases: [alias('CREATED', { id: 'wsca-other0001', connectionString: 'other.example.com' })], nextToken: 'page-2' },
      { aliases: [alias('CREATED', { id: 'wsca-other0002', connectionString: 'x.example.com' }), alias('CREATED')], nextToken: 'page-3' },
    );
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, alias('CREATED'));

    // WHEN
    const result = await handler(createEvent(), contextWith());

    // THEN it stopped at the page with the match
    const searches = ws.commandCalls(DescribeConnectionAliasesCommand).map((call) => call.args[0].input).filter((input) => !input.AliasIds);
    expect(searches).toEqual([{ Limit: 25, NextToken: undefined }, { Limit: 25, NextToken: 'page-2' }]);
    expect(ws).not.toHaveReceivedCommand(CreateConnectionAliasCommand);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test('reads every page before concluding that no alias has the string', async () => {
    // GIVEN
    const other = (n: number) => alias('CREATED', { id: `wsca-other000${n}`, connectionString: `other${n}.example.com` });
    givenSearch({ aliases: [other(1)], nextToken: 'page-2' }, { aliases: [other(2)], nextToken: 'page-3' }, { aliases: [other(3)] });
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    await handler(createEvent(), contextWith());

    // THEN
    expect(callLog().slice(0, 4)).toEqual(['Search', 'Search page-2', 'Search page-3', `Create ${CONNECTION_STRING}`]);
  });
});

describe('a Create that fails after making the alias is undone', () => {
  test('a permanent AssociateConnectionAlias error unshares and deletes the new alias, and says so', async () => {
    // GIVEN the directory does not exist
    givenDescribe(ALIAS_ID, ...Array(6).fill(alias('CREATED')), alias('DELETING'), GONE);
    givenTags(ALIAS_ID, ourTags());
    givenSharedWith(ALIAS_ID, [], [SHARED_ACCOUNT]);
    ws.on(AssociateConnectionAliasCommand).rejects(
      new ResourceNotFoundException({ message: `The directory ${DIRECTORY} could not be found`, $metadata: {} }),
    );

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY, SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceNotFoundException: The directory ${DIRECTORY} could not be found ` +
      `(connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS_ID,
      ConnectionAliasPermission: { SharedAccountId: SHARED_ACCOUNT, AllowAssociation: false },
    });
    expect(ws).toHaveReceivedCommandWith(DeleteConnectionAliasCommand, { AliasId: ALIAS_ID });
    expect(callLog().slice(callLog().indexOf(`Associate ${ALIAS_ID} ${DIRECTORY}`))).toEqual([
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Unshare ${ALIAS_ID} ${SHARED_ACCOUNT}`,
      `Describe ${ALIAS_ID}`,
      `Delete ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
  });

  test('an association that never establishes times out before the undo reserve, then is disassociated and the alias deleted', async () => {
    // GIVEN the association stays PENDING_ASSOCIATION until it is disassociated
    let state: DescribeAnswer = alias('CREATED');
    givenDescribeFrom(ALIAS_ID, () => state);
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).callsFake(async () => {
      state = created(DIRECTORY, 'PENDING_ASSOCIATION', null);
      return { ConnectionIdentifier: CONNECTION_IDENTIFIER };
    });
    ws.on(DisassociateConnectionAliasCommand).callsFake(async () => {
      state = created(DIRECTORY, 'NOT_ASSOCIATED', null);
      return {};
    });
    ws.on(DeleteConnectionAliasCommand).callsFake(async () => {
      state = GONE;
      return {};
    });

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to be associated with directory ${DIRECTORY} ` +
        `\\(last seen: PENDING_ASSOCIATION\\) \\(connection alias ${ALIAS_ID}, made for this request, was deleted again\\)$`,
      ),
    );
    expect(mutations()).toEqual([
      `Create ${CONNECTION_STRING}`,
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      `Disassociate ${ALIAS_ID}`,
      `Delete ${ALIAS_ID}`,
    ]);
    // it gave up when only the undo reserve (and the answer reserve) was left, within one (longest) backoff step
    const workDeadline = TEN_MINUTES - ANSWER_RESERVE_MS - UNDO_RESERVE_MS;
    expect(elapsedMs()).toBeLessThanOrEqual(workDeadline);
    expect(elapsedMs()).toBeGreaterThan(workDeadline - DEFAULT_BACKOFF.maxDelayMs);
  });

  test('an alias that stays CREATING past the work deadline is deleted once it is CREATED, within the undo reserve', async () => {
    // GIVEN the alias becomes CREATED only after the work deadline (460 s)
    let deleted = false;
    givenDescribeFrom(ALIAS_ID, () => (deleted ? GONE : elapsedMs() < 470_000 ? alias('CREATING') : alias('CREATED')));
    ws.on(DeleteConnectionAliasCommand).callsFake(async () => {
      deleted = true;
      return {};
    });

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\) ` +
        `\\(connection alias ${ALIAS_ID}, made for this request, was deleted again\\)$`,
      ),
    );
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`, `Delete ${ALIAS_ID}`]);
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
  });

  test('an alias that never leaves CREATING: the message says what was waited for and that the undo failed too', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATING'));

    // WHEN
    const result = handler(createEvent(), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)\\. ` +
        `Deleting connection alias ${ALIAS_ID} again also failed: Timed out after \\d+s waiting for connection alias ${ALIAS_ID} ` +
        `to reach state CREATED \\(last seen: CREATING\\)\\. It keeps its '${OWNER_TAG_KEY}' tag, so the next deployment of ` +
        'this resource adopts it; or delete it by hand\\.$',
      ),
    );
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    // the handler still answers before Lambda would stop it
    expect(elapsedMs()).toBeLessThanOrEqual(TEN_MINUTES - ANSWER_RESERVE_MS);
    expect(elapsedMs()).toBeGreaterThan(TEN_MINUTES - ANSWER_RESERVE_MS - DEFAULT_BACKOFF.maxDelayMs);
  });

  test('with almost no time left it gives up at once, naming what it waited for', async () => {
    // GIVEN the Lambda has only one first backoff step (DEFAULT_BACKOFF.initialDelayMs) left: 90 % of it until the
    // answer reserve (10 %), and 75 % of that for the work (the undo reserve is a quarter), both less than that step
    const contextMs = DEFAULT_BACKOFF.initialDelayMs;
    expect(deadlinesFor(contextMs).answerBy).toBeLessThan(DEFAULT_BACKOFF.initialDelayMs);
    givenDescribe(ALIAS_ID, alias('CREATING'));

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

  test('when deleting again fails, the message says so and mentions the owner tag', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(
      new ResourceNotFoundException({ message: `The directory ${DIRECTORY} could not be found`, $metadata: {} }),
    );
    ws.on(DeleteConnectionAliasCommand).rejects(
      new AccessDeniedException({ message: 'User is not authorized to perform workspaces:DeleteConnectionAlias', $metadata: {} }),
    );

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceNotFoundException: The directory ${DIRECTORY} could not be found. Deleting connection alias ${ALIAS_ID} again ` +
      'also failed: AccessDeniedException: User is not authorized to perform workspaces:DeleteConnectionAlias. ' +
      `It keeps its '${OWNER_TAG_KEY}' tag, so the next deployment of this resource adopts it; or delete it by hand.`,
    );
    expect(ws).toHaveReceivedCommandTimes(DeleteConnectionAliasCommand, 1);
  });

  test('an alias adopted from an earlier delivery of the Create is undone as well (it is ours)', async () => {
    // GIVEN
    givenSearch({ aliases: [alias('CREATED')] });
    givenTags(ALIAS_ID, ourTags());
    givenDescribe(ALIAS_ID, ...Array(6).fill(alias('CREATED')), GONE);
    ws.on(AssociateConnectionAliasCommand).rejects(new AccessDeniedException({ message: 'Not authorized', $metadata: {} }));

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`AccessDeniedException: Not authorized (connection alias ${ALIAS_ID}, made for this request, was deleted again)`);
    expect(mutations()).toEqual([`Associate ${ALIAS_ID} ${DIRECTORY}`, `Delete ${ALIAS_ID}`]);
  });

  test('an association that disappears while being waited for fails the Create, which is undone', async () => {
    // GIVEN Describe never shows the association Associate made (longer than eventual consistency explains);
    // the alias itself exists until the handler deletes it
    let deleted = false;
    givenDescribeFrom(ALIAS_ID, () => (deleted ? GONE : alias('CREATED')));
    ws.on(DeleteConnectionAliasCommand).callsFake(async () => {
      deleted = true;
      return {};
    });
    givenTags(ALIAS_ID, ourTags());

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN it gave the association the 10 s grace for Describe to catch up, then undid the Create
    await expect(result).rejects.toThrow(
      `The association of connection alias ${ALIAS_ID} with directory ${DIRECTORY} disappeared ` +
      `(connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`, `Associate ${ALIAS_ID} ${DIRECTORY}`, `Delete ${ALIAS_ID}`]);
    expect(elapsedMs()).toBeGreaterThan(10_000);
    expect(elapsedMs()).toBeLessThan(10_000 + 2 * DEFAULT_BACKOFF.maxDelayMs + 5_000);
  });

  test('an alias that disappears while CREATING fails the Create; there is nothing left to delete', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATING'), GONE);

    // WHEN
    const result = handler(createEvent(), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Connection alias ${ALIAS_ID} disappeared while waiting for it to be created`);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
  });
});

describe('settling and permanent errors during a Create', () => {
  test('AssociateConnectionAlias answering InvalidResourceStateException is retried with backoff until it succeeds', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), created(DIRECTORY));
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand)
      .rejectsOnce(settling())
      .rejectsOnce(settling())
      .resolves({ ConnectionIdentifier: CONNECTION_IDENTIFIER });

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 3);
    expect(ws).toHaveReceivedNthSpecificCommandWith(3, AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: DIRECTORY });
    // one growing backoff step after each refusal
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(2));
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(result.Data?.ConnectionIdentifier).toBe(CONNECTION_IDENTIFIER);
  });

  test('UpdateConnectionAliasPermission answering InvalidResourceStateException is retried until it succeeds', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'));
    givenTags(ALIAS_ID, ourTags());
    ws.on(UpdateConnectionAliasPermissionCommand).rejectsOnce(settling()).resolves({});

    // WHEN
    const result = await handler(createEvent(props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 2);
    expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`, `Share ${ALIAS_ID} ${SHARED_ACCOUNT}`, `Share ${ALIAS_ID} ${SHARED_ACCOUNT}`]);
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });

  test.each<{ name: string; error: Error; check: string[] }>([
    new AccessDeniedException({ message: 'User is not authorized to perform workspaces:AssociateConnectionAlias', $metadata: {} }),
    new InvalidParameterValuesException({ message: 'The directory id is not valid', $metadata: {} }),
    new OperationNotSupportedException({ message: 'Cross-Region redirection is not supported here', $metadata: {} }),
    new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} }),
  ].map((error) => ({
    name: error.name,
    error,
    // only a ResourceAssociatedException is checked against a fresh Describe (our own association with DIRECTORY would be success)
    check: error.name === 'ResourceAssociatedException' ? [`Describe ${ALIAS_ID}`] : [],
  })))('a permanent $name from AssociateConnectionAlias fails at once with the service message', async ({ error, check }) => {
    // GIVEN
    givenDescribe(ALIAS_ID, ...Array(6 + check.length).fill(alias('CREATED')), GONE);
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(error);

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`${error.name}: ${error.message} (connection alias ${ALIAS_ID}, made for this request, was deleted again)`);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(callLog().slice(callLog().indexOf(`Associate ${ALIAS_ID} ${DIRECTORY}`))).toEqual([
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      ...check,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Delete ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
    expect(sleep).not.toHaveBeenCalled();
  });

  test('a permanent UpdateConnectionAliasPermission error (share limit) fails at once with the service message', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), alias('CREATED'), alias('CREATED'), GONE);
    givenTags(ALIAS_ID, ourTags());
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(
      new ResourceLimitExceededException({ message: 'An alias can be shared with one account only', $metadata: {} }),
    );

    // WHEN
    const result = handler(createEvent(props({ SharedAccountId: SHARED_ACCOUNT })), contextWith());

    // THEN
    await expect(result).rejects.toThrow(
      `ResourceLimitExceededException: An alias can be shared with one account only (connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
  });
});

describe('validation of ResourceProperties', () => {
  const tooManyTags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));

  test.each([
    ['a missing ConnectionString', props({ ConnectionString: undefined }), 'ConnectionString is required'],
    ['a ConnectionString with forbidden characters', props({ ConnectionString: 'desk top!' }), "connectionString must be 1-255 characters of letters, digits, '.' and '-'"],
    ['a ConnectionString with an empty DNS label', props({ ConnectionString: 'desktop..example.com' }), 'connectionString must be a valid DNS name'],
    ['a ConnectionString over 255 characters', props({ ConnectionString: 'a'.repeat(256) }), 'connectionString must be 1-255'],
    ['a DirectoryId that is not a directory id', props({ DirectoryId: 'directory-1' }), "directoryId must be a WorkSpaces directory id ('d-'"],
    ['a DirectoryId that is not a string', props({ DirectoryId: 42 }), 'DirectoryId must be a string'],
    ['a SharedAccountId that is not 12 digits', props({ SharedAccountId: '12345' }), "sharedAccountId must be a 12-digit AWS account id, got '12345'"],
    ['a SharedAccountId that is not a string', props({ SharedAccountId: 222222222222 }), 'SharedAccountId must be a string'],
    ['too many tags', props({ Tags: tooManyTags }), 'tags: at most 49 tags can be set on a connection alias'],
    ["a reserved 'aws:' tag key", props({ Tags: [{ Key: 'aws:x', Value: 'v' }] }), "tags: the key 'aws:x' is reserved"],
    ["a reserved 'AWS:' tag key in upper case", props({ Tags: [{ Key: 'AWS:x', Value: 'v' }] }), "tags: the key 'AWS:x' is reserved"],
    ['the owner tag key', props({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'mine' }] }), `tags: the key '${OWNER_TAG_KEY}' is reserved`],
    ['an empty tag key', props({ Tags: [{ Key: '', Value: 'v' }] }), 'tags: a tag key must be 1-127 characters'],
    ['a tag value over 255 characters', props({ Tags: [{ Key: 'k', Value: 'v'.repeat(256) }] }), "tags: the value of 'k' must be at most 255 characters"],
    ['Tags that are not a list', props({ Tags: { team: 'vdi' } }), 'Tags must be a list of {Key, Value}'],
    ['a tag without a Key', props({ Tags: [{ Value: 'v' }] }), 'Tags must be a list of {Key, Value}'],
  ])('rejects %s, naming the property, before any AWS call', async (_, resourceProperties, problem) => {
    // WHEN
    const result = handler(createEvent(resourceProperties), contextWith());

    // THEN
    await expect(result).rejects.toThrow(`Invalid resource properties: ${problem}`);
    expect(ws).not.toHaveReceivedAnyCommand();
  });

  test('accepts 49 tags and a wsd- directory id', async () => {
    // GIVEN
    const tags = tooManyTags.slice(0, 49);
    givenDescribe(ALIAS_ID, alias('CREATED'), alias('CREATED'), created('wsd-abc123xyz'));
    givenTags(ALIAS_ID, ourTags(Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]))));

    // WHEN
    const result = await handler(createEvent(props({ Tags: tags, DirectoryId: 'wsd-abc123xyz' })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, { ConnectionString: CONNECTION_STRING, Tags: expect.arrayContaining(tags) });
    expect(ws).toHaveReceivedCommandWith(AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: 'wsd-abc123xyz' });
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
  });
});

describe('AssociateConnectionAlias refused with ResourceAssociatedException during a Create', () => {
  test('is success when a fresh Describe shows our association with the same directory: it is waited for and its identifier returned', async () => {
    // GIVEN the first attempt associated the alias but its response was lost, and the SDK's retry is refused
    givenDescribe(
      ALIAS_ID,
      alias('CREATED'),
      alias('CREATED'),
      created(DIRECTORY, 'PENDING_ASSOCIATION', null),
      created(DIRECTORY, 'PENDING_ASSOCIATION', null),
      created(DIRECTORY, 'ASSOCIATED_WITH_OWNER_ACCOUNT', CONNECTION_IDENTIFIER),
    );
    givenTags(ALIAS_ID, ourTags());
    ws.on(AssociateConnectionAliasCommand).rejects(
      new ResourceAssociatedException({ message: 'The connection alias is already associated', $metadata: {} }),
    );

    // WHEN
    const result = await handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 1);
    expect(ws).not.toHaveReceivedCommand(DisassociateConnectionAliasCommand);
    expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    expect(callLog()).toEqual([
      'Search',
      `Create ${CONNECTION_STRING}`,
      `Describe ${ALIAS_ID}`,
      `DescribeTags ${ALIAS_ID}`,
      `DescribePermissions ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
      `Associate ${ALIAS_ID} ${DIRECTORY}`,
      `Describe ${ALIAS_ID}`, // the check: our association with DIRECTORY, PENDING_ASSOCIATION
      `Describe ${ALIAS_ID}`,
      `Describe ${ALIAS_ID}`,
    ]);
    // one backoff step, after the PENDING_ASSOCIATION the wait saw
    expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(1));
    expect(result).toEqual({
      PhysicalResourceId: ALIAS_ID,
      Data: { AliasId: ALIAS_ID, ConnectionString: CONNECTION_STRING, ConnectionIdentifier: CONNECTION_IDENTIFIER },
    });
  });
});

describe('the Create deadlines scale with the function timeout', () => {
  test.each([
    // answer reserve min(20 s, 10 %); undo reserve min(120 s, 25 % of what is left until the answer deadline)
    [900_000, 880_000, 760_000],
    [TEN_MINUTES, 580_000, 460_000],
    [60_000, 54_000, 40_500],
    [20_400, 18_360, 13_770],
  ])('with %i ms left the model gives an answer deadline of %i ms and a work deadline of %i ms', (contextMs, answerBy, workBy) => {
    expect(deadlinesFor(contextMs)).toEqual({ answerBy, workBy });
  });

  test.each([900_000, TEN_MINUTES, 60_000, 20_400])(
    'with %i ms left an association that never establishes is given up at the work deadline and undone at once',
    async (contextMs) => {
      // GIVEN the association stays PENDING_ASSOCIATION until it is disassociated
      let state: DescribeAnswer = alias('CREATED');
      let disassociatedAt = -1;
      givenDescribeFrom(ALIAS_ID, () => state);
      givenTags(ALIAS_ID, ourTags());
      ws.on(AssociateConnectionAliasCommand).callsFake(async () => {
        state = created(DIRECTORY, 'PENDING_ASSOCIATION', null);
        return {};
      });
      ws.on(DisassociateConnectionAliasCommand).callsFake(async () => {
        disassociatedAt = elapsedMs();
        state = created(DIRECTORY, 'NOT_ASSOCIATED', null);
        return {};
      });
      ws.on(DeleteConnectionAliasCommand).callsFake(async () => {
        state = GONE;
        return {};
      });

      // WHEN
      const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(contextMs));

      // THEN the wait (which started at 0) stopped when the next backoff step no longer fitted before the work deadline
      const { workBy } = deadlinesFor(contextMs);
      const waited = backoffGivesUpAfter(workBy);
      await expect(result).rejects.toThrow(
        `Timed out after ${Math.round(waited / 1000)}s waiting for connection alias ${ALIAS_ID} to be associated with directory ` +
        `${DIRECTORY} (last seen: PENDING_ASSOCIATION) (connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
      );
      expect(disassociatedAt).toBeCloseTo(waited, 3);
      expect(disassociatedAt).toBeLessThanOrEqual(workBy);
      expect(elapsedMs()).toBeCloseTo(waited, 3);
      expect(mutations()).toEqual([`Create ${CONNECTION_STRING}`, `Associate ${ALIAS_ID} ${DIRECTORY}`, `Disassociate ${ALIAS_ID}`, `Delete ${ALIAS_ID}`]);
    },
  );

  test('with 60 s left the work stops by 40.5 s (60 - 6 - min(120, 54/4)), after about 39 s of waiting', async () => {
    // GIVEN
    givenDescribe(ALIAS_ID, alias('CREATING'));

    // WHEN
    const result = handler(createEvent(), contextWith(60_000));

    // THEN pinned on purpose, worked out by hand for DEFAULT_BACKOFF {250 ms, x1.5, at most 2 s}: 250 + 375 + 562.5 +
    // 843.75 + 1265.625 + 1898.4375 = 5195.3125 ms, then the cap: 17 x 2000 ms = 34 000 ms (35 304.6875 ms were left),
    // 39 195.3125 ms in all; an 18th 2 s step would end at 41 195.3125 ms, past 40.5 s
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after 39s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)\\. Deleting`),
    );
    expect(backoffGivesUpAfter(40_500)).toBeCloseTo(39_195.3125, 3);
  });

  test.each([900_000, TEN_MINUTES, 60_000, 20_400])(
    'with %i ms left an alias that never leaves CREATING is waited for until the work deadline, and again until the answer deadline',
    async (contextMs) => {
      // GIVEN
      givenDescribe(ALIAS_ID, alias('CREATING'));

      // WHEN
      const result = handler(createEvent(), contextWith(contextMs));

      // THEN the work wait ends by the work deadline, the undo's wait by the answer deadline
      const { answerBy, workBy } = deadlinesFor(contextMs);
      const work = backoffGivesUpAfter(workBy);
      const undo = backoffGivesUpAfter(answerBy - work);
      const waiting = `waiting for connection alias ${ALIAS_ID} to reach state CREATED (last seen: CREATING)`;
      await expect(result).rejects.toThrow(
        `Timed out after ${Math.round(work / 1000)}s ${waiting}. Deleting connection alias ${ALIAS_ID} again also failed: ` +
        `Timed out after ${Math.round(undo / 1000)}s ${waiting}. It keeps its '${OWNER_TAG_KEY}' tag`,
      );
      expect(elapsedMs()).toBeCloseTo(work + undo, 3);
      expect(elapsedMs()).toBeLessThanOrEqual(answerBy);
      expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    },
  );
});
