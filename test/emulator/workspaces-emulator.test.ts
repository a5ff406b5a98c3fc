import {
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  DescribeTagsCommand,
  DisassociateConnectionAliasCommand,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { WorkSpacesEmulator, WorkSpacesEmulatorOptions } from '../../testkit';

const OWNER = '111111111111';
const SHARED = '222222222222';
const INSTANT = { createDelayMs: 0, deleteDelayMs: 0, associateDelayMs: 0, disassociateDelayMs: 0 };
const FOREVER = 60_000;

let emulator: WorkSpacesEmulator | undefined;
let clients: WorkSpacesClient[] = [];

/** Starts an emulator (all transitions instant unless overridden) and returns a client with no retries. */
async function setup(options: WorkSpacesEmulatorOptions = {}): Promise<{ ws: WorkSpacesEmulator; client: WorkSpacesClient }> {
  const ws = await WorkSpacesEmulator.start({ ...INSTANT, ...options });
  emulator = ws;
  return { ws, client: clientFor(ws) };
}

function clientFor(ws: WorkSpacesEmulator, maxAttempts = 1): WorkSpacesClient {
  const client = new WorkSpacesClient({
    endpoint: ws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts,
  });
  clients.push(client);
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function create(client: WorkSpacesClient, connectionString: string): Promise<string> {
  return (await client.send(new CreateConnectionAliasCommand({ ConnectionString: connectionString }))).AliasId!;
}

async function describe1(client: WorkSpacesClient, aliasId: string) {
  return (await client.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId] }))).ConnectionAliases?.[0];
}

beforeAll(async () => {
  // The first SDK call in a process loads modules lazily and can take far longer than the short
  // transition delays below; pay that once here.
  const ws = await WorkSpacesEmulator.start();
  const client = clientFor(ws);
  await client.send(new DescribeConnectionAliasesCommand({}));
  client.destroy();
  await ws.stop();
});

afterEach(async () => {
  clients.forEach((c) => c.destroy());
  clients = [];
  await emulator?.stop();
  emulator = undefined;
});

describe('CreateConnectionAlias', () => {
  test('is CREATING until the create delay has passed, then CREATED', async () => {
    const { ws, client } = await setup({ createDelayMs: 250 });
    const aliasId = await create(client, 'desktop.example.com');

    expect(aliasId).toMatch(/^wsca-[0-9a-z]{10}$/);
    expect(await describe1(client, aliasId)).toEqual({
      ConnectionString: 'desktop.example.com',
      AliasId: aliasId,
      State: 'CREATING',
      OwnerAccountId: OWNER,
    });
    await sleep(300);
    expect((await describe1(client, aliasId))?.State).toBe('CREATED');
    expect(ws.callsOf('CreateConnectionAlias')).toEqual([
      {
        operation: 'CreateConnectionAlias',
        input: { ConnectionString: 'desktop.example.com' },
        accountId: '111111111111',
        region: 'us-east-1',
        resources: [`arn:aws:workspaces:us-east-1:111111111111:connectionalias/${aliasId}`],
        outcome: 'ok',
        at: expect.any(Number),
      },
    ]);
  });

  test.each(['bad string!', 'a'.repeat(256), 'under_score'])('refuses the invalid connection string %j', async (connectionString) => {
    const { ws, client } = await setup();
    await expect(create(client, connectionString)).rejects.toMatchObject({
      name: 'InvalidParameterValuesException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(ws.aliases()).toEqual([]);
  });

  test('refuses a string that a live alias uses, also while it is DELETING, until it is gone', async () => {
    const { ws, client } = await setup({ deleteDelayMs: 250 });
    const aliasId = await create(client, 'desktop.example.com');
    await expect(create(client, 'desktop.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });

    await client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));
    expect((await describe1(client, aliasId))?.State).toBe('DELETING');
    await expect(create(client, 'desktop.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });

    await sleep(300);
    expect(await describe1(client, aliasId)).toBeUndefined();
    const again = await create(client, 'desktop.example.com');
    expect(again).not.toBe(aliasId);
    expect(ws.aliases().map((a) => a.aliasId)).toEqual([again]);
  });

  test('allows 20 live aliases; a DELETING one still counts until it is gone', async () => {
    const { ws, client } = await setup({ deleteDelayMs: 250 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await create(client, `alias${i}.example.com`));
    await expect(create(client, 'one-more.example.com')).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });

    await client.send(new DeleteConnectionAliasCommand({ AliasId: ids[0] }));
    await expect(create(client, 'one-more.example.com')).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });
    await sleep(300);
    await create(client, 'one-more.example.com');
    expect(ws.aliases()).toHaveLength(20);
  });

  test('honours a custom alias limit', async () => {
    const { client } = await setup({ aliasLimit: 1 });
    await create(client, 'a.example.com');
    await expect(create(client, 'b.example.com')).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });
  });

  test('stores tags (a missing Value as empty) and refuses more than 50', async () => {
    const { ws, client } = await setup();
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(client.send(new CreateConnectionAliasCommand({ ConnectionString: 'x.example.com', Tags: tooMany }))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    expect(ws.aliases()).toEqual([]);

    await client.send(new CreateConnectionAliasCommand({ ConnectionString: 'x.example.com', Tags: [{ Key: 'team', Value: 'euc' }, { Key: 'flag' }] }));
    expect(ws.aliases()[0].tags).toEqual({ team: 'euc', flag: '' });
  });
});

describe('DescribeConnectionAliases', () => {
  test('pages with Limit and an opaque NextToken', async () => {
    const { client } = await setup();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await create(client, `page${i}.example.com`));

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new DescribeConnectionAliasesCommand({ Limit: 2, NextToken: nextToken }));
      pages.push(page.ConnectionAliases!.map((a) => a.AliasId!));
      nextToken = page.NextToken;
    } while (nextToken);

    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(created);
  });

  test('lists everything on one page by default and omits NextToken', async () => {
    const { client } = await setup();
    for (let i = 0; i < 3; i++) await create(client, `all${i}.example.com`);
    const page = await client.send(new DescribeConnectionAliasesCommand({}));
    expect(page.ConnectionAliases).toHaveLength(3);
    expect(page.NextToken).toBeUndefined();
  });

  test('refuses a Limit outside 1-25 and a forged or foreign NextToken', async () => {
    const { client } = await setup();
    for (let i = 0; i < 3; i++) await create(client, `lim${i}.example.com`);
    for (const Limit of [0, 26]) {
      await expect(client.send(new DescribeConnectionAliasesCommand({ Limit }))).rejects.toMatchObject({ name: 'InvalidParameterValuesException' });
    }
    await expect(client.send(new DescribeConnectionAliasesCommand({ NextToken: 'garbage' }))).rejects.toMatchObject({
      name: 'InvalidParameterValuesException',
    });
    const first = await client.send(new DescribeConnectionAliasesCommand({ Limit: 1 }));
    await expect(client.send(new DescribeConnectionAliasesCommand({ ResourceId: 'd-1', NextToken: first.NextToken }))).rejects.toMatchObject({
      name: 'InvalidParameterValuesException',
    });
  });

  test('omits unknown AliasIds silently', async () => {
    const { client } = await setup();
    const aliasId = await create(client, 'known.example.com');
    const result = await client.send(new DescribeConnectionAliasesCommand({ AliasIds: ['wsca-0000000000', aliasId] }));
    expect(result.ConnectionAliases!.map((a) => a.AliasId)).toEqual([aliasId]);
  });

  test('refuses AliasIds together with ResourceId (boto3#3260)', async () => {
    const { client } = await setup();
    const aliasId = await create(client, 'both.example.com');
    await expect(client.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId], ResourceId: 'd-1234567890' }))).rejects.toMatchObject({
      name: 'InvalidParameterValuesException',
      message: expect.stringContaining('The value for the connection alias is null'),
    });
  });

  test('filters by ResourceId, including associations being removed', async () => {
    const { ws, client } = await setup();
    const a = await create(client, 'a.example.com');
    const b = await create(client, 'b.example.com');
    await create(client, 'c.example.com');
    await client.send(new AssociateConnectionAliasCommand({ AliasId: a, ResourceId: 'd-1111111111' }));
    await client.send(new AssociateConnectionAliasCommand({ AliasId: b, ResourceId: 'd-2222222222' }));
    const byDirectory = async (ResourceId: string) =>
      (await client.send(new DescribeConnectionAliasesCommand({ ResourceId }))).ConnectionAliases!.map((x) => x.AliasId);

    expect(await byDirectory('d-1111111111')).toEqual([a]);
    ws.setDelays({ disassociateDelayMs: FOREVER });
    await client.send(new DisassociateConnectionAliasCommand({ AliasId: a }));
    expect(await byDirectory('d-1111111111')).toEqual([a]);
    expect(await byDirectory('d-3333333333')).toEqual([]);
  });
});

describe('DeleteConnectionAlias', () => {
  test('moves to DELETING and is gone after the delete delay', async () => {
    const { ws, client } = await setup({ deleteDelayMs: 250 });
    const aliasId = await create(client, 'gone.example.com');
    await client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));

    expect(ws.aliases().map((a) => a.state)).toEqual(['DELETING']);
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    await sleep(300);
    expect(ws.aliases()).toEqual([]);
    expect((await client.send(new DescribeConnectionAliasesCommand({}))).ConnectionAliases).toEqual([]);
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('refuses an unknown alias and one that is still CREATING', async () => {
    const { client } = await setup({ createDelayMs: FOREVER });
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: 'wsca-0000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      ResourceId: 'wsca-0000000000',
    });
    const aliasId = await create(client, 'slow.example.com');
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
  });

  test('refuses an associated alias until the association is removed', async () => {
    const { ws, client } = await setup({ disassociateDelayMs: 250 });
    const aliasId = await create(client, 'assoc.example.com');
    await client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1234567890' }));
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });

    await client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }));
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    await sleep(300);
    await client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));
    expect(ws.aliases()).toEqual([]);
  });

  test('refuses a shared alias until it is unshared', async () => {
    const { ws, client } = await setup();
    const aliasId = await create(client, 'shared.example.com');
    await client.send(new UpdateConnectionAliasPermissionCommand({ AliasId: aliasId, ConnectionAliasPermission: { SharedAccountId: SHARED, AllowAssociation: true } }));
    await expect(client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });

    await client.send(new UpdateConnectionAliasPermissionCommand({ AliasId: aliasId, ConnectionAliasPermission: { SharedAccountId: SHARED, AllowAssociation: false } }));
    await client.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));
    expect(ws.aliases()).toEqual([]);
  });
});

describe('AssociateConnectionAlias', () => {
  test('returns a ConnectionIdentifier; PENDING_ASSOCIATION, then ASSOCIATED_WITH_OWNER_ACCOUNT', async () => {
    const { ws, client } = await setup({ associateDelayMs: 250 });
    const aliasId = await create(client, 'join.example.com');
    const { ConnectionIdentifier } = await client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1234567890' }));

    expect(ConnectionIdentifier).toMatch(/^[a-zA-Z0-9]{10}$/);
    const association = { AssociatedAccountId: OWNER, ResourceId: 'd-1234567890', ConnectionIdentifier };
    expect((await describe1(client, aliasId))?.Associations).toEqual([{ ...association, AssociationStatus: 'PENDING_ASSOCIATION' }]);
    await sleep(300);
    expect((await describe1(client, aliasId))?.Associations).toEqual([{ ...association, AssociationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' }]);
    expect(ws.aliases()[0].associations).toEqual([
      { associatedAccountId: OWNER, resourceId: 'd-1234567890', connectionIdentifier: ConnectionIdentifier, associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' },
    ]);
  });

  test('refuses an unknown alias, one not CREATED, and an unknown directory', async () => {
    const { ws, client } = await setup({ directories: ['d-1111111111'] });
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: 'wsca-0000000000', ResourceId: 'd-1111111111' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const ready = await create(client, 'ready.example.com');
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: ready, ResourceId: 'd-9999999999' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    ws.setDelays({ createDelayMs: FOREVER });
    const creating = await create(client, 'creating.example.com');
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: creating, ResourceId: 'd-1111111111' }))).rejects.toMatchObject({
      name: 'InvalidResourceStateException',
    });
    expect(ws.aliases().every((a) => a.associations.length === 0)).toBe(true);
  });

  test('allows one directory per alias, whichever account associated it', async () => {
    const { ws, client } = await setup();
    const mine = await create(client, 'mine.example.com');
    await client.send(new AssociateConnectionAliasCommand({ AliasId: mine, ResourceId: 'd-1111111111' }));
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: mine, ResourceId: 'd-2222222222' }))).rejects.toMatchObject({
      name: 'ResourceAssociatedException',
    });
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: mine, ResourceId: 'd-1111111111' }))).rejects.toMatchObject({
      name: 'ResourceAssociatedException',
    });

    const theirs = await create(client, 'theirs.example.com');
    await client.send(new UpdateConnectionAliasPermissionCommand({ AliasId: theirs, ConnectionAliasPermission: { SharedAccountId: SHARED, AllowAssociation: true } }));
    ws.associateFromSharedAccount(theirs, SHARED, 'd-3333333333');
    expect((await describe1(client, theirs))?.Associations).toEqual([
      { AssociatedAccountId: SHARED, ResourceId: 'd-3333333333', ConnectionIdentifier: expect.stringMatching(/^[a-zA-Z0-9]{10}$/), AssociationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT' },
    ]);
    await expect(client.send(new AssociateConnectionAliasCommand({ AliasId: theirs, ResourceId: 'd-1111111111' }))).rejects.toMatchObject({
      name: 'ResourceAssociatedException',
    });
  });
});

describe('DisassociateConnectionAlias', () => {
  test('moves to PENDING_DISASSOCIATION, then the association is removed and the alias can associate again', async () => {
    const { ws, client } = await setup({ disassociateDelayMs: 250 });
    const aliasId = await create(client, 'leave.example.com');
    await client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1234567890' }));
    await client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }));

    expect((await describe1(client, aliasId))?.Associations?.map((a) => a.AssociationStatus)).toEqual(['PENDING_DISASSOCIATION']);
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    await sleep(300);
    const described = await describe1(client, aliasId);
    expect(described).toBeDefined();
    expect(described).not.toHaveProperty('Associations');
    expect(ws.aliases()[0].associations).toEqual([]);
    await client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1234567890' }));
  });

  test('refuses an unknown alias, one not CREATED, and one still PENDING_ASSOCIATION', async () => {
    const { ws, client } = await setup({ createDelayMs: FOREVER });
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: 'wsca-0000000000' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const creating = await create(client, 'creating.example.com');
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: creating }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });

    ws.setDelays({ createDelayMs: 0, associateDelayMs: FOREVER });
    const pending = await create(client, 'pending.example.com');
    await client.send(new AssociateConnectionAliasCommand({ AliasId: pending, ResourceId: 'd-1234567890' }));
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: pending }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    expect(ws.aliases().find((a) => a.aliasId === pending)?.associations.map((a) => a.associationStatus)).toEqual(['PENDING_ASSOCIATION']);
  });

  test('refuses when no directory of this account is associated (none, or only the shared account\'s)', async () => {
    const { ws, client } = await setup();
    const aliasId = await create(client, 'lonely.example.com');
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({
      name: 'InvalidResourceStateException',
      message: 'The connection alias is not associated with a directory owned by this account',
    });
    await client.send(new UpdateConnectionAliasPermissionCommand({ AliasId: aliasId, ConnectionAliasPermission: { SharedAccountId: SHARED, AllowAssociation: true } }));
    ws.associateFromSharedAccount(aliasId, SHARED, 'd-3333333333');
    await expect(client.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    expect(ws.aliases()[0].associations).toHaveLength(1);
  });
});

describe('connection alias permissions', () => {
  const share = (AliasId: string, SharedAccountId: string, AllowAssociation: boolean) =>
    new UpdateConnectionAliasPermissionCommand({ AliasId, ConnectionAliasPermission: { SharedAccountId, AllowAssociation } });

  test('shares with one account, repeat is a no-op, a second account is refused', async () => {
    const { ws, client } = await setup();
    const aliasId = await create(client, 'share.example.com');
    expect((await client.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: aliasId }))).ConnectionAliasPermissions).toEqual([]);

    await client.send(share(aliasId, SHARED, true));
    await client.send(share(aliasId, SHARED, true));
    await expect(client.send(share(aliasId, '333333333333', true))).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });
    const permissions = await client.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: aliasId }));
    expect(permissions).toMatchObject({ AliasId: aliasId, ConnectionAliasPermissions: [{ SharedAccountId: SHARED, AllowAssociation: true }] });
    expect(ws.aliases()[0].sharedWith).toEqual([SHARED]);
  });

  test('refuses to unshare while the shared account is associated; unsharing a stranger is a no-op', async () => {
    const { ws, client } = await setup();
    const aliasId = await create(client, 'unshare.example.com');
    await client.send(share(aliasId, SHARED, true));
    ws.associateFromSharedAccount(aliasId, SHARED, 'd-3333333333');
    await expect(client.send(share(aliasId, SHARED, false))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    await client.send(share(aliasId, '333333333333', false));
    expect(ws.aliases()[0].sharedWith).toEqual([SHARED]);

    ws.disassociateFromSharedAccount(aliasId);
    await client.send(share(aliasId, SHARED, false));
    await client.send(share(aliasId, SHARED, false));
    expect(ws.aliases()[0].sharedWith).toEqual([]);
  });

  test('refuses an unknown alias, one not CREATED, and an invalid or owner account', async () => {
    const { ws, client } = await setup({ createDelayMs: FOREVER });
    await expect(client.send(share('wsca-0000000000', SHARED, true))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: 'wsca-0000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const creating = await create(client, 'creating.example.com');
    await expect(client.send(share(creating, SHARED, true))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });

    ws.setDelays({ createDelayMs: 0 });
    const ready = await create(client, 'ready.example.com');
    for (const account of ['12345', '12345678901a', OWNER]) {
      await expect(client.send(share(ready, account, true))).rejects.toMatchObject({ name: 'InvalidParameterValuesException' });
    }
    expect(ws.aliases().every((a) => a.sharedWith.length === 0)).toBe(true);
  });
});

describe('tags', () => {
  test('CreateTags upserts, DeleteTags removes (missing keys are fine), DescribeTags lists', async () => {
    const { client } = await setup();
    const aliasId = (await client.send(new CreateConnectionAliasCommand({ ConnectionString: 't.example.com', Tags: [{ Key: 'a', Value: '1' }] }))).AliasId!;
    await client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] }));
    await client.send(new DeleteTagsCommand({ ResourceId: aliasId, TagKeys: ['b', 'missing'] }));
    expect((await client.send(new DescribeTagsCommand({ ResourceId: aliasId }))).TagList).toEqual([{ Key: 'a', Value: '2' }]);
  });

  test('refuses more than 50 tags in total without applying any', async () => {
    const { ws, client } = await setup();
    const aliasId = await create(client, 't.example.com');
    await client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
    await client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: [{ Key: 'k0', Value: 'changed' }] }));
    await expect(client.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: [{ Key: 'k1', Value: 'x' }, { Key: 'k50', Value: 'v' }] }))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    const tags = ws.aliases()[0].tags;
    expect(Object.keys(tags)).toHaveLength(50);
    expect(tags.k0).toBe('changed');
    expect(tags.k1).toBe('v');
  });

  test('refuses an unknown resource', async () => {
    const { client } = await setup();
    const ResourceId = 'wsca-0000000000';
    await expect(client.send(new CreateTagsCommand({ ResourceId, Tags: [{ Key: 'a', Value: '1' }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new DeleteTagsCommand({ ResourceId, TagKeys: ['a'] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new DescribeTagsCommand({ ResourceId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('test helpers', () => {
  test('seedAlias adds a CREATED alias; aliases() returns deep copies; setDelays affects later transitions', async () => {
    const { ws, client } = await setup();
    const seeded = ws.seedAlias({ connectionString: 'old.example.com', tags: { owner: 'someone' } });
    expect(await describe1(client, seeded)).toMatchObject({ State: 'CREATED', ConnectionString: 'old.example.com', OwnerAccountId: OWNER });
    await expect(create(client, 'old.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(() => ws.seedAlias({ connectionString: 'old.example.com' })).toThrow();

    const copy = ws.aliases()[0];
    copy.tags.owner = 'me';
    copy.associations.push({ associatedAccountId: OWNER, resourceId: 'd', connectionIdentifier: 'c', associationStatus: 'x' });
    expect(ws.aliases()[0]).toMatchObject({ tags: { owner: 'someone' }, associations: [] });

    ws.setDelays({ createDelayMs: FOREVER });
    const slow = await create(client, 'slow.example.com');
    expect((await describe1(client, slow))?.State).toBe('CREATING');
  });

  test('associateFromSharedAccount requires an alias shared with that account', async () => {
    const { ws } = await setup();
    const aliasId = ws.seedAlias({ connectionString: 'seed.example.com' });
    expect(() => ws.associateFromSharedAccount('wsca-0000000000', SHARED, 'd-1')).toThrow(/unknown alias/);
    expect(() => ws.associateFromSharedAccount(aliasId, SHARED, 'd-1')).toThrow(/not shared/);
  });

  test('answers an unknown operation with UnknownOperationException', async () => {
    const { ws } = await setup();
    const response = await fetch(ws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'WorkspacesService.DescribeWorkspaces' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(ws.calls.map((c) => [c.operation, c.outcome])).toEqual([['DescribeWorkspaces', 'UnknownOperationException']]);
  });
});

describe('fault injection', () => {
  test('an error fault answers with that error and does not apply the call', async () => {
    const { ws, client } = await setup({ faults: ({ operation }) => (operation === 'CreateConnectionAlias' ? { kind: 'error', status: 400, name: 'AccessDeniedException', message: 'nope' } : undefined) });
    await expect(create(client, 'denied.example.com')).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'nope', $metadata: { httpStatusCode: 400 } });
    expect(ws.aliases()).toEqual([]);
    expect(ws.calls.map((c) => c.outcome)).toEqual(['AccessDeniedException']);
  });

  test('a reset is retried by the SDK and the call is applied once', async () => {
    const { ws } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'reset' } : undefined) });
    const output = await clientFor(ws, 3).send(new CreateConnectionAliasCommand({ ConnectionString: 'retry.example.com' }));
    expect(output.$metadata.attempts).toBe(2);
    expect(ws.aliases().map((a) => a.aliasId)).toEqual([output.AliasId]);
    expect(ws.calls.map((c) => c.outcome)).toEqual(['reset', 'ok']);
  });

  test('a lost response applies the call while the client sees an error', async () => {
    const { ws, client } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'lose-response' } : undefined) });
    await expect(create(client, 'lost.example.com')).rejects.toThrow();
    expect(ws.aliases().map((a) => a.connectionString)).toEqual(['lost.example.com']);
    expect(ws.calls.map((c) => c.outcome)).toEqual(['lost']);
  });

  test('after a lost response the SDK retry meets the applied state (WorkSpaces has no idempotency token)', async () => {
    const { ws } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'lose-response' } : undefined) });
    await expect(create(clientFor(ws, 3), 'twice.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(ws.aliases()).toHaveLength(1);
    expect(ws.calls.map((c) => c.outcome)).toEqual(['lost', 'ResourceAlreadyExistsException']);
  });

  test('the plan sees every call with its operation, running index and input, and can be changed at any time', async () => {
    const { ws, client } = await setup();
    const seen: Array<[string, number, unknown]> = [];
    ws.faults = ({ operation, index, input }) => {
      seen.push([operation, index, input]);
      return index === 1 ? { kind: 'error', status: 500, name: 'InternalServerError' } : undefined;
    };
    const aliasId = await create(client, 'plan.example.com');
    await expect(describe1(client, aliasId)).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    ws.faults = undefined;
    await describe1(client, aliasId);
    expect(seen).toEqual([
      ['CreateConnectionAlias', 0, { ConnectionString: 'plan.example.com' }],
      ['DescribeConnectionAliases', 1, { AliasIds: [aliasId] }],
    ]);
    expect(ws.calls.map((c) => c.outcome)).toEqual(['ok', 'InternalServerError', 'ok']);
    expect(ws.callsOf('DescribeConnectionAliases')).toHaveLength(2);
  });
});
