// The Connect emulator's SearchEmailAddresses (criteria, filters, pages) and the tags of email addresses.
import {
  AssociateEmailAddressAliasCommand,
  ConnectClient,
  DescribeEmailAddressCommand,
  SearchEmailAddressesCommand,
  SearchEmailAddressesCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-connect';
import { ConnectEmulator } from '../../testkit';

const INSTANCE = '00000000-1111-2222-3333-444444444444';
let cn: ConnectEmulator;
let client: ConnectClient;

beforeEach(async () => {
  cn = await ConnectEmulator.start({ accountId: '123456789012', region: 'eu-west-2' });
  cn.addInstance(INSTANCE);
  client = new ConnectClient({ endpoint: cn.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'AKID123456789012', secretAccessKey: 's' }, maxAttempts: 1 });
});

afterEach(async () => {
  client.destroy();
  await cn.stop();
});

const exact = (address: string): SearchEmailAddressesCommandInput['SearchCriteria'] => ({
  StringCondition: { FieldName: 'EmailAddress', Value: address, ComparisonType: 'EXACT' },
});

/** Every page of a search, as a caller resolving an address must read them. */
async function searchAll(input: Omit<SearchEmailAddressesCommandInput, 'InstanceId' | 'NextToken'>) {
  const results = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(new SearchEmailAddressesCommand({ InstanceId: INSTANCE, ...input, NextToken }));
    results.push(...(page.EmailAddresses ?? []));
    NextToken = page.NextToken;
    pages++;
  } while (NextToken);
  return { results, pages };
}

describe('SearchEmailAddresses', () => {
  test('an EXACT condition on EmailAddress finds the address with its id, ARN and alias configuration', async () => {
    const support = cn.addEmailAddress(INSTANCE, 'support@example.my.connect.aws');
    const help = cn.addEmailAddress(INSTANCE, 'help@example.my.connect.aws');
    cn.addEmailAddress(INSTANCE, 'support-2@example.my.connect.aws');
    await client.send(new AssociateEmailAddressAliasCommand({
      InstanceId: INSTANCE, EmailAddressId: support, AliasConfiguration: { EmailAddressId: help },
    }));

    const { results } = await searchAll({ SearchCriteria: exact('support@example.my.connect.aws') });
    expect(results).toEqual([{
      EmailAddressId: support,
      EmailAddressArn: `arn:aws:connect:eu-west-2:123456789012:instance/${INSTANCE}/email-address/${support}`,
      EmailAddress: 'support@example.my.connect.aws',
      AliasConfigurations: [{ EmailAddressId: help }],
    }]);
  });

  test('[assumed] comparisons ignore case, so a caller must check the address it gets back', async () => {
    cn.addEmailAddress(INSTANCE, 'Support@Example.my.connect.aws');
    const { results } = await searchAll({ SearchCriteria: exact('support@example.my.connect.aws') });
    expect(results.map((r) => r.EmailAddress)).toEqual(['Support@Example.my.connect.aws']);
  });

  test('STARTS_WITH, CONTAINS, AndConditions and OrConditions', async () => {
    ['sales1@a.example', 'sales2@b.example', 'help@a.example'].forEach((address) => cn.addEmailAddress(INSTANCE, address));
    const condition = (Value: string, ComparisonType: 'STARTS_WITH' | 'CONTAINS') => ({ StringCondition: { FieldName: 'EmailAddress', Value, ComparisonType } });
    const found = async (SearchCriteria: SearchEmailAddressesCommandInput['SearchCriteria']) =>
      (await searchAll({ SearchCriteria })).results.map((r) => r.EmailAddress).sort();
    expect(await found(condition('sales', 'STARTS_WITH'))).toEqual(['sales1@a.example', 'sales2@b.example']);
    expect(await found({ AndConditions: [condition('sales', 'STARTS_WITH'), condition('@a.', 'CONTAINS')] })).toEqual(['sales1@a.example']);
    expect(await found({ OrConditions: [condition('help', 'STARTS_WITH'), condition('@b.', 'CONTAINS')] })).toEqual(['help@a.example', 'sales2@b.example']);
  });

  test('a field it does not know is refused, not ignored', async () => {
    await expect(client.send(new SearchEmailAddressesCommand({
      InstanceId: INSTANCE, SearchCriteria: { StringCondition: { FieldName: 'Nonsense', Value: 'x', ComparisonType: 'EXACT' } },
    }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('pages of MaxResults, each with a NextToken bound to its query, cover every match once', async () => {
    for (let i = 0; i < 7; i++) cn.addEmailAddress(INSTANCE, `user${i}@example.com`);
    cn.addEmailAddress(INSTANCE, 'other@example.com');
    const { results, pages } = await searchAll({ MaxResults: 3, SearchCriteria: { StringCondition: { FieldName: 'EmailAddress', Value: 'user', ComparisonType: 'STARTS_WITH' } } });
    expect(pages).toBe(3);
    expect(results.map((r) => r.EmailAddress).sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `user${i}@example.com`));

    const first = await client.send(new SearchEmailAddressesCommand({ InstanceId: INSTANCE, MaxResults: 3 }));
    await expect(client.send(new SearchEmailAddressesCommand({ InstanceId: INSTANCE, MaxResults: 3, NextToken: first.NextToken, SearchCriteria: exact('other@example.com') })))
      .rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('a tag filter selects addresses by their tags', async () => {
    const tagged = cn.addEmailAddress(INSTANCE, 'tagged@example.com', undefined, { team: 'support' });
    cn.addEmailAddress(INSTANCE, 'plain@example.com');
    const { results } = await searchAll({ SearchFilter: { TagFilter: { TagCondition: { TagKey: 'team', TagValue: 'support' } } } });
    expect(results.map((r) => r.EmailAddressId)).toEqual([tagged]);
  });

  test('an unknown instance is ResourceNotFoundException', async () => {
    await expect(client.send(new SearchEmailAddressesCommand({ InstanceId: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('tags of email addresses', () => {
  test('TagResource and UntagResource on an email-address ARN; DescribeEmailAddress returns the tags', async () => {
    const id = cn.addEmailAddress(INSTANCE, 'support@example.com');
    const arn = cn.emailAddressArn(INSTANCE, id);
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: 'stack-a', team: 'euc' } }));
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'cx' } }));
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['owner', 'absent'] }));

    expect(cn.tagsOf(INSTANCE, id)).toEqual({ team: 'cx' });
    const described = await client.send(new DescribeEmailAddressCommand({ InstanceId: INSTANCE, EmailAddressId: id }));
    expect(described).toMatchObject({ EmailAddressId: id, EmailAddressArn: arn, EmailAddress: 'support@example.com', Tags: { team: 'cx' } });
  });

  test('an ARN of another account, Region or address is not found; reserved or empty tags are refused', async () => {
    const id = cn.addEmailAddress(INSTANCE, 'support@example.com');
    const arn = cn.emailAddressArn(INSTANCE, id);
    for (const other of [arn.replace('123456789012', '210987654321'), arn.replace('eu-west-2', 'us-east-1'), arn.replace(id, 'missing')]) {
      await expect(client.send(new TagResourceCommand({ resourceArn: other, tags: { a: 'b' } }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    await expect(client.send(new TagResourceCommand({ resourceArn: arn, tags: { 'aws:owner': 'x' } }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client.send(new TagResourceCommand({ resourceArn: 'not-an-arn', tags: { a: 'b' } }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(cn.tagsOf(INSTANCE, id)).toEqual({});
  });

  test('the call log names the resources each call touched, with the caller', async () => {
    const id = cn.addEmailAddress(INSTANCE, 'support@example.com');
    const arn = cn.emailAddressArn(INSTANCE, id);
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { a: 'b' } }));
    await client.send(new DescribeEmailAddressCommand({ InstanceId: INSTANCE, EmailAddressId: id }));
    await searchAll({ SearchCriteria: exact('support@example.com') });
    expect(cn.calls.map((c) => [c.operation, c.accountId, c.region, c.resources, c.outcome])).toEqual([
      ['TagResource', '123456789012', 'eu-west-2', [arn], 'ok'],
      ['DescribeEmailAddress', '123456789012', 'eu-west-2', [arn], 'ok'],
      ['SearchEmailAddresses', '123456789012', 'eu-west-2', [arn], 'ok'],
    ]);
    expect(cn.calls[0].input).toEqual({ resourceArn: arn, tags: { a: 'b' } });
  });
});
