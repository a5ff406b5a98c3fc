// One WorkSpaces emulator, several accounts and Regions: the caller is told by its SigV4 credentials, and an
// alias shared with another account behaves as the cross-account redirection needs it to.
import {
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { accessKeyIdFor, WorkSpacesEmulator } from '../../testkit';

const OWNER = '111111111111';
const SHARED = '222222222222';
const INSTANT = { createDelayMs: 0, deleteDelayMs: 0, associateDelayMs: 0, disassociateDelayMs: 0 };

let ws: WorkSpacesEmulator;
let clients: WorkSpacesClient[] = [];

/** A client of `accountId` in `region`, signing with that account's access key; no retries. */
function clientOf(accountId: string, region = 'us-east-1'): WorkSpacesClient {
  const client = new WorkSpacesClient({
    endpoint: ws.endpoint,
    region,
    credentials: { accessKeyId: accessKeyIdFor(accountId), secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const create = async (client: WorkSpacesClient, ConnectionString: string) =>
  (await client.send(new CreateConnectionAliasCommand({ ConnectionString }))).AliasId!;
const describeById = async (client: WorkSpacesClient, aliasId: string) =>
  (await client.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId] }))).ConnectionAliases ?? [];
const share = (AliasId: string, SharedAccountId: string, AllowAssociation: boolean) =>
  new UpdateConnectionAliasPermissionCommand({ AliasId, ConnectionAliasPermission: { SharedAccountId, AllowAssociation } });

beforeEach(async () => {
  ws = await WorkSpacesEmulator.start(INSTANT);
  ws.addDirectory('d-1111111111', { accountId: OWNER, region: 'us-east-1' });
  ws.addDirectory('d-2222222222', { accountId: SHARED, region: 'us-east-1' });
  ws.addDirectory('d-2222222299', { accountId: SHARED, region: 'eu-west-1' });
});

afterEach(async () => {
  clients.forEach((c) => c.destroy());
  clients = [];
  await ws.stop();
});

describe('state per account and Region', () => {
  test('one account holds the same connection string in two Regions, each seen only in its Region', async () => {
    const east = await create(clientOf(OWNER, 'us-east-1'), 'desktop.example.com');
    const west = await create(clientOf(OWNER, 'eu-west-1'), 'desktop.example.com');

    expect(ws.aliases({ region: 'us-east-1' }).map((a) => a.aliasId)).toEqual([east]);
    expect(ws.aliases({ region: 'eu-west-1' }).map((a) => a.aliasId)).toEqual([west]);
    expect(await describeById(clientOf(OWNER, 'eu-west-1'), east)).toEqual([]);
    const listed = await clientOf(OWNER, 'eu-west-1').send(new DescribeConnectionAliasesCommand({}));
    expect(listed.ConnectionAliases?.map((a) => a.AliasId)).toEqual([west]);
    expect(ws.aliasArn(west)).toBe(`arn:aws:workspaces:eu-west-1:${OWNER}:connectionalias/${west}`);
  });

  test('a connection string stays reserved for the account that created it, even after its alias is gone', async () => {
    const aliasId = await create(clientOf(OWNER), 'desktop.example.com');
    await clientOf(OWNER).send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));
    expect(ws.aliases()).toEqual([]);

    await expect(create(clientOf(SHARED), 'desktop.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await expect(create(clientOf(SHARED, 'eu-west-1'), 'desktop.example.com')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(await create(clientOf(OWNER), 'desktop.example.com')).toMatch(/^wsca-/);
  });

  test('the quota of aliases is per account and Region', async () => {
    await ws.stop();
    ws = await WorkSpacesEmulator.start({ ...INSTANT, aliasLimit: 1 });
    await create(clientOf(OWNER), 'a.example.com');
    await expect(create(clientOf(OWNER), 'b.example.com')).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });
    expect(await create(clientOf(OWNER, 'eu-west-1'), 'b.example.com')).toMatch(/^wsca-/);
    expect(await create(clientOf(SHARED), 'c.example.com')).toMatch(/^wsca-/);
    expect(ws.aliases({ accountId: OWNER })).toHaveLength(2);
  });

  test('an alias that is not shared is invisible to another account', async () => {
    const aliasId = await create(clientOf(OWNER), 'desktop.example.com');
    const other = clientOf(SHARED);
    expect(await describeById(other, aliasId)).toEqual([]);
    await expect(other.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(ws.aliases()[0].associations).toEqual([]);
  });

  test('callers whose key names no account are the default account in the signed Region, as before', async () => {
    const legacy = new WorkSpacesClient({ endpoint: ws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    clients.push(legacy);
    const aliasId = await create(legacy, 'desktop.example.com');
    expect(ws.aliases()).toEqual([expect.objectContaining({ aliasId, ownerAccountId: OWNER, region: 'us-east-1' })]);
  });

  test('an explicit access key map names the account of any key', async () => {
    await ws.stop();
    ws = await WorkSpacesEmulator.start({ ...INSTANT, accessKeys: { ASIAEXAMPLE: '333333333333' } });
    const client = new WorkSpacesClient({ endpoint: ws.endpoint, region: 'ap-south-1', credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'y' }, maxAttempts: 1 });
    clients.push(client);
    await create(client, 'desktop.example.com');
    expect(ws.aliases()).toEqual([expect.objectContaining({ ownerAccountId: '333333333333', region: 'ap-south-1' })]);
  });
});

describe('an alias shared with another account', () => {
  async function sharedAlias(): Promise<string> {
    const aliasId = await create(clientOf(OWNER), 'desktop.example.com');
    await clientOf(OWNER).send(share(aliasId, SHARED, true));
    return aliasId;
  }

  test('the shared account sees it by id, but not in its listings', async () => {
    const aliasId = await sharedAlias();
    expect(await describeById(clientOf(SHARED), aliasId)).toEqual([expect.objectContaining({ AliasId: aliasId, OwnerAccountId: OWNER, State: 'CREATED' })]);
    expect((await clientOf(SHARED).send(new DescribeConnectionAliasesCommand({}))).ConnectionAliases).toEqual([]);
    // Shared in its Region only.
    expect(await describeById(clientOf(SHARED, 'eu-west-1'), aliasId)).toEqual([]);
  });

  test('the shared account associates it with its own directory; both accounts see ASSOCIATED_WITH_SHARED_ACCOUNT', async () => {
    const aliasId = await sharedAlias();
    const { ConnectionIdentifier } = await clientOf(SHARED).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' }));
    const expected = [{ AssociatedAccountId: SHARED, ResourceId: 'd-2222222222', ConnectionIdentifier, AssociationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT' }];
    expect((await describeById(clientOf(SHARED), aliasId))[0].Associations).toEqual(expected);
    expect((await describeById(clientOf(OWNER), aliasId))[0].Associations).toEqual(expected);
    expect(ws.aliases()[0].associations).toEqual([expect.objectContaining({ associatedAccountId: SHARED, associationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT' })]);
  });

  test('the shared account can associate only a directory of its own in the alias\'s Region', async () => {
    const aliasId = await sharedAlias();
    for (const directory of ['d-1111111111', 'd-2222222299', 'd-0000000000']) {
      await expect(clientOf(SHARED).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: directory })))
        .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    expect(ws.aliases()[0].associations).toEqual([]);
  });

  test('one association per alias across both accounts', async () => {
    const aliasId = await sharedAlias();
    await clientOf(OWNER).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1111111111' }));
    await expect(clientOf(SHARED).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' })))
      .rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    expect(ws.aliases()[0].associations).toEqual([expect.objectContaining({ associatedAccountId: OWNER, resourceId: 'd-1111111111' })]);
  });

  test('while the shared account is associated, the owner cannot remove its association, unshare or delete', async () => {
    const aliasId = await sharedAlias();
    await clientOf(SHARED).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' }));
    const owner = clientOf(OWNER);
    await expect(owner.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    await expect(owner.send(share(aliasId, SHARED, false))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    await expect(owner.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    expect(ws.aliases()).toEqual([expect.objectContaining({ aliasId, state: 'CREATED', sharedWith: [SHARED], associations: [expect.objectContaining({ associatedAccountId: SHARED })] })]);
  });

  test('the shared account may not delete, tag or reshare the owner\'s alias', async () => {
    const aliasId = await sharedAlias();
    const other = clientOf(SHARED);
    await expect(other.send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(other.send(new CreateTagsCommand({ ResourceId: aliasId, Tags: [{ Key: 'k', Value: 'v' }] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(other.send(share(aliasId, '333333333333', true))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(ws.aliases()).toEqual([expect.objectContaining({ aliasId, tags: {}, sharedWith: [SHARED] })]);
  });

  test('the shared account disassociates; then the owner unshares and deletes', async () => {
    const aliasId = await sharedAlias();
    const other = clientOf(SHARED);
    await other.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' }));
    await other.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }));
    expect(ws.aliases()[0].associations).toEqual([]);
    await clientOf(OWNER).send(share(aliasId, SHARED, false));
    await clientOf(OWNER).send(new DeleteConnectionAliasCommand({ AliasId: aliasId }));
    expect(ws.aliases()).toEqual([]);
    // Unshared, the alias is invisible to the other account again (and then gone).
    expect(await describeById(other, aliasId)).toEqual([]);
  });

  test('the shared account cannot disassociate the owner\'s association', async () => {
    const aliasId = await sharedAlias();
    await clientOf(OWNER).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1111111111' }));
    await expect(clientOf(SHARED).send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }))).rejects.toMatchObject({ name: 'InvalidResourceStateException' });
    expect(ws.aliases()[0].associations).toEqual([expect.objectContaining({ associatedAccountId: OWNER, associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  });
});

test('every call is logged with the caller\'s account and Region, its input and the resources it touched', async () => {
  const aliasId = await create(clientOf(OWNER), 'desktop.example.com');
  await clientOf(OWNER).send(share(aliasId, SHARED, true));
  await clientOf(SHARED).send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-2222222222' }));
  await expect(clientOf(SHARED, 'eu-west-1').send(new DeleteConnectionAliasCommand({ AliasId: aliasId }))).rejects.toThrow();
  const arn = `arn:aws:workspaces:us-east-1:${OWNER}:connectionalias/${aliasId}`;
  expect(ws.calls.map(({ at: _at, ...call }) => call)).toEqual([
    { operation: 'CreateConnectionAlias', accountId: OWNER, region: 'us-east-1', input: { ConnectionString: 'desktop.example.com' }, resources: [arn], outcome: 'ok' },
    {
      operation: 'UpdateConnectionAliasPermission', accountId: OWNER, region: 'us-east-1',
      input: { AliasId: aliasId, ConnectionAliasPermission: { SharedAccountId: SHARED, AllowAssociation: true } }, resources: [arn], outcome: 'ok',
    },
    {
      operation: 'AssociateConnectionAlias', accountId: SHARED, region: 'us-east-1', input: { AliasId: aliasId, ResourceId: 'd-2222222222' },
      resources: [arn, `arn:aws:workspaces:us-east-1:${SHARED}:directoryid/d-2222222222`], outcome: 'ok',
    },
    { operation: 'DeleteConnectionAlias', accountId: SHARED, region: 'eu-west-1', input: { AliasId: aliasId }, resources: [], outcome: 'ResourceNotFoundException' },
  ]);
});
