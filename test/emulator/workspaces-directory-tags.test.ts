// Tags on WorkSpaces directories (CreateTags, DescribeTags and DeleteTags take a directory id as ResourceId):
// where ConnectionAliasAssociation keeps its ownership marks. Each account tags only its own directories.
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { accessKeyIdFor, WorkSpacesEmulator } from '../../testkit';

let ws: WorkSpacesEmulator;
const clients: WorkSpacesClient[] = [];
beforeEach(async () => {
  ws = await WorkSpacesEmulator.start();
  ws.addDirectory('d-aaaaaaaaaa', { accountId: '222222222222' });
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await ws.stop();
});

function clientOf(accountId: string): WorkSpacesClient {
  const client = new WorkSpacesClient({
    endpoint: ws.endpoint, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: accessKeyIdFor(accountId), secretAccessKey: 'secret' },
  });
  clients.push(client);
  return client;
}

test('the directory owner sets, reads and removes tags of its directory', async () => {
  const b = clientOf('222222222222');
  await b.send(new CreateTagsCommand({ ResourceId: 'd-aaaaaaaaaa', Tags: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: 'v2' }] }));
  await b.send(new CreateTagsCommand({ ResourceId: 'd-aaaaaaaaaa', Tags: [{ Key: 'k1', Value: 'changed' }] }));
  await b.send(new DeleteTagsCommand({ ResourceId: 'd-aaaaaaaaaa', TagKeys: ['k2', 'absent'] }));

  const { TagList } = await b.send(new DescribeTagsCommand({ ResourceId: 'd-aaaaaaaaaa' }));
  expect(TagList).toEqual([{ Key: 'k1', Value: 'changed' }]);
  expect(ws.directoryTags('d-aaaaaaaaaa', { accountId: '222222222222' })).toEqual({ k1: 'changed' });
});

test("another account's directory and an unknown directory are not found", async () => {
  const a = clientOf('111111111111');
  await expect(a.send(new CreateTagsCommand({ ResourceId: 'd-aaaaaaaaaa', Tags: [{ Key: 'k', Value: 'v' }] })))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  await expect(clientOf('222222222222').send(new DescribeTagsCommand({ ResourceId: 'd-9999999999' })))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  expect(ws.directoryTags('d-aaaaaaaaaa', { accountId: '222222222222' })).toEqual({});
});

test('a directory can hold at most 50 tags', async () => {
  const b = clientOf('222222222222');
  const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await expect(b.send(new CreateTagsCommand({ ResourceId: 'd-aaaaaaaaaa', Tags: tags }))).rejects.toMatchObject({ name: 'ResourceLimitExceededException' });
});
