import { AssociateConnectionAliasCommand, CreateConnectionAliasCommand } from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import { ALIAS_ID, CONNECTION_STRING, OWNER_TAG_KEY, contextWith, createEvent, ourTags, props, resetWorkSpaces, updateEvent, ws } from './workspaces-fixtures';
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
    ['too many tags', props({ Tags: tooManyTags }), 'tags: at most 47 tags can be set on a connection alias'],
    ["a reserved 'aws:' tag key", props({ Tags: [{ Key: 'aws:x', Value: 'v' }] }), "tags: the key 'aws:x' is reserved"],
    ["a reserved 'AWS:' tag key in upper case", props({ Tags: [{ Key: 'AWS:x', Value: 'v' }] }), "tags: the key 'AWS:x' is reserved"],
    ['the owner tag key', props({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'mine' }] }), `tags: the key '${OWNER_TAG_KEY}' is reserved`],
    ['any cdk-aliases: key', props({ Tags: [{ Key: 'cdk-aliases:previous-owner', Value: 'x' }] }), "tags: the key 'cdk-aliases:previous-owner' is reserved"],
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

  test('accepts 47 tags and a wsd- directory id', async () => {
    // GIVEN
    const tags = tooManyTags.slice(0, 47);
    // WHEN
    const result = await handler(createEvent(props({ Tags: tags, DirectoryId: 'wsd-abc123xyz' })), contextWith());

    // THEN
    expect(ws).toHaveReceivedCommandWith(CreateConnectionAliasCommand, { ConnectionString: CONNECTION_STRING, Tags: expect.arrayContaining(tags) });
    expect(ws).toHaveReceivedCommandWith(AssociateConnectionAliasCommand, { AliasId: ALIAS_ID, ResourceId: 'wsd-abc123xyz' });
    expect(result.PhysicalResourceId).toBe(ALIAS_ID);
    expect(account.alias(ALIAS_ID)).toMatchObject({ tags: ourTags(Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]))) });
    expect(account.alias(ALIAS_ID)?.associations[0]).toMatchObject({ directoryId: 'wsd-abc123xyz', status: 'ASSOCIATED_WITH_OWNER_ACCOUNT' });
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
