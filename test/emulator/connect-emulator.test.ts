import {
  AssociateEmailAddressAliasCommand,
  ConnectClient,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
  SearchEmailAddressesCommand,
} from '@aws-sdk/client-connect';
import { ConnectEmulator, ConnectEmulatorOptions } from '../../testkit';

const ACCOUNT = '111111111111';

let emulator: ConnectEmulator | undefined;
let clients: ConnectClient[] = [];

interface Fixture {
  cn: ConnectEmulator;
  client: ConnectClient;
  instanceId: string;
  /** Three unrelated addresses of the instance. */
  a: string;
  b: string;
  c: string;
}

async function setup(options: ConnectEmulatorOptions = {}): Promise<Fixture> {
  const cn = await ConnectEmulator.start(options);
  emulator = cn;
  const instanceId = cn.addInstance();
  return {
    cn,
    client: clientFor(cn),
    instanceId,
    a: cn.addEmailAddress(instanceId, 'a@example.com'),
    b: cn.addEmailAddress(instanceId, 'b@example.com'),
    c: cn.addEmailAddress(instanceId, 'c@example.com'),
  };
}

function clientFor(cn: ConnectEmulator, maxAttempts = 1): ConnectClient {
  const client = new ConnectClient({
    endpoint: cn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts,
  });
  clients.push(client);
  return client;
}

const associate = (InstanceId: string, primary: string, alias: string, ClientToken?: string) =>
  new AssociateEmailAddressAliasCommand({ InstanceId, EmailAddressId: primary, AliasConfiguration: { EmailAddressId: alias }, ClientToken });
const disassociate = (InstanceId: string, primary: string, alias: string, ClientToken?: string) =>
  new DisassociateEmailAddressAliasCommand({ InstanceId, EmailAddressId: primary, AliasConfiguration: { EmailAddressId: alias }, ClientToken });

afterEach(async () => {
  clients.forEach((c) => c.destroy());
  clients = [];
  await emulator?.stop();
  emulator = undefined;
});

describe('DescribeEmailAddress', () => {
  test('describes an address with its ARN and ISO timestamps', async () => {
    const { client, instanceId, a } = await setup({ accountId: '999999999999', region: 'eu-west-2' });
    const described = await client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: a }));
    expect(described).toMatchObject({
      EmailAddressId: a,
      EmailAddressArn: `arn:aws:connect:eu-west-2:999999999999:instance/${instanceId}/email-address/${a}`,
      EmailAddress: 'a@example.com',
      AliasConfigurations: [],
      Tags: {},
    });
    expect(new Date(described.CreateTimestamp!).toISOString()).toBe(described.CreateTimestamp);
    expect(typeof described.ModifiedTimestamp).toBe('string');
  });

  test('decodes percent-encoded path labels', async () => {
    const { cn, client } = await setup();
    const instanceId = cn.addInstance('inst/1');
    const id = cn.addEmailAddress(instanceId, 'odd@example.com', 'mail box');
    const described = await client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: id }));
    expect(described.EmailAddress).toBe('odd@example.com');
    expect(cn.calls[0]).toMatchObject({ operation: 'DescribeEmailAddress', input: { InstanceId: 'inst/1', EmailAddressId: 'mail box' }, outcome: 'ok' });
  });

  test('answers 404 ResourceNotFoundException for an unknown instance or address', async () => {
    const { client, instanceId, a } = await setup();
    await expect(client.send(new DescribeEmailAddressCommand({ InstanceId: 'nope', EmailAddressId: a }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('AssociateEmailAddressAlias', () => {
  test('links the alias to the primary; only the primary shows it', async () => {
    const { cn, client, instanceId, a, b } = await setup();
    const output = await client.send(associate(instanceId, a, b));
    expect(output.$metadata.httpStatusCode).toBe(200);

    const primary = await client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: a }));
    const alias = await client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: b }));
    expect(primary.AliasConfigurations).toEqual([{ EmailAddressId: b }]);
    expect(alias.AliasConfigurations).toEqual([]);
    expect(cn.associations()).toEqual([{ instanceId, emailAddressId: a, aliasEmailAddressId: b }]);
    expect(cn.aliasOf(instanceId, a)).toBe(b);
    expect(cn.aliasOf(instanceId, b)).toBeUndefined();
    expect(cn.calls[0]).toMatchObject({
      operation: 'AssociateEmailAddressAlias',
      input: { InstanceId: instanceId, EmailAddressId: a, AliasConfiguration: { EmailAddressId: b }, ClientToken: expect.any(String) },
      outcome: 'ok',
    });
  });

  test('answers 404 for an unknown instance, primary or alias', async () => {
    const { cn, client, instanceId, a } = await setup();
    for (const [instance, primary, alias] of [['nope', a, a], [instanceId, 'nope', a], [instanceId, a, 'nope']]) {
      await expect(client.send(associate(instance, primary, alias))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 },
      });
    }
    expect(cn.associations()).toEqual([]);
  });

  test('refuses an address as its own alias with 400 InvalidRequestException', async () => {
    const { cn, client, instanceId, a } = await setup();
    await expect(client.send(associate(instanceId, a, a))).rejects.toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
    expect(cn.associations()).toEqual([]);
  });

  test('refuses a second alias, even the same one again, with 409 ResourceConflictException', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    await client.send(associate(instanceId, a, b));
    for (const alias of [b, c]) {
      await expect(client.send(associate(instanceId, a, alias))).rejects.toMatchObject({
        name: 'ResourceConflictException',
        $metadata: { httpStatusCode: 409 },
      });
    }
    expect(cn.associations()).toEqual([{ instanceId, emailAddressId: a, aliasEmailAddressId: b }]);
  });

  test('refuses an alias that is already the alias of another address with 409', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    await client.send(associate(instanceId, a, b));
    await expect(client.send(associate(instanceId, c, b))).rejects.toMatchObject({ name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } });
    expect(cn.aliasOf(instanceId, c)).toBeUndefined();
  });

  test('refuses chains in both directions with 400 InvalidRequestException', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    await client.send(associate(instanceId, a, b));
    // c -> a, where a already has an alias of its own.
    await expect(client.send(associate(instanceId, c, a))).rejects.toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
    // b -> c, where b is itself the alias of a.
    await expect(client.send(associate(instanceId, b, c))).rejects.toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
    expect(cn.associations()).toEqual([{ instanceId, emailAddressId: a, aliasEmailAddressId: b }]);
  });
});

describe('DisassociateEmailAddressAlias', () => {
  test('removes the link, which can be made again right away', async () => {
    const { cn, client, instanceId, a, b } = await setup();
    await client.send(associate(instanceId, a, b));
    await client.send(disassociate(instanceId, a, b));
    expect(cn.associations()).toEqual([]);
    expect((await client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: a }))).AliasConfigurations).toEqual([]);
    await client.send(associate(instanceId, a, b));
    expect(cn.aliasOf(instanceId, a)).toBe(b);
  });

  test('answers 404 when that association does not currently exist', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    await expect(client.send(disassociate(instanceId, a, b))).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    await client.send(associate(instanceId, a, b));
    await expect(client.send(disassociate(instanceId, a, c))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(disassociate(instanceId, b, a))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(disassociate('nope', a, b))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(cn.aliasOf(instanceId, a)).toBe(b);
  });
});

describe('ClientToken idempotency', () => {
  test('a replayed token returns 200 without re-validating or re-applying', async () => {
    const { cn, client, instanceId, a, b } = await setup();
    await client.send(associate(instanceId, a, b, 'token-1'));
    // Replaying now would fail validation (a already has an alias) if it were re-checked.
    await expect(client.send(associate(instanceId, a, b, 'token-1'))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });

    await client.send(disassociate(instanceId, a, b, 'token-2'));
    await expect(client.send(associate(instanceId, a, b, 'token-1'))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(cn.associations()).toEqual([]);
    await expect(client.send(disassociate(instanceId, a, b, 'token-2'))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });

  test('the same token with a different request is refused with 409 IdempotencyException', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    await client.send(associate(instanceId, a, b, 'token-1'));
    await expect(client.send(associate(instanceId, a, c, 'token-1'))).rejects.toMatchObject({ name: 'IdempotencyException', $metadata: { httpStatusCode: 409 } });
    await expect(client.send(associate(instanceId, c, b, 'token-1'))).rejects.toMatchObject({ name: 'IdempotencyException' });
    expect(cn.associations()).toEqual([{ instanceId, emailAddressId: a, aliasEmailAddressId: b }]);
  });

  test('tokens are per operation, and a failed call can be retried with its token', async () => {
    const { cn, client, instanceId, a, b } = await setup();
    await expect(client.send(associate(instanceId, a, 'later', 'token-1'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    cn.addEmailAddress(instanceId, 'later@example.com', 'later');
    await client.send(associate(instanceId, a, 'later', 'token-1'));
    expect(cn.aliasOf(instanceId, a)).toBe('later');

    await client.send(disassociate(instanceId, a, 'later', 'token-1'));
    expect(cn.aliasOf(instanceId, a)).toBeUndefined();
    await client.send(associate(instanceId, a, b, 'token-3'));
    expect(cn.aliasOf(instanceId, a)).toBe(b);
  });

  test('without a token every call is checked and applied on its own', async () => {
    const { cn, instanceId, a, b } = await setup();
    const post = () =>
      fetch(`${cn.endpoint}/email-addresses/${instanceId}/${a}/associate-alias`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ AliasConfiguration: { EmailAddressId: b } }),
      });
    expect((await post()).status).toBe(200);
    const second = await post();
    expect(second.status).toBe(409);
    expect(second.headers.get('x-amzn-errortype')).toBe('ResourceConflictException');
    expect(await second.json()).toEqual({ Message: expect.any(String) });
  });
});

describe('SearchEmailAddresses', () => {
  test('pages through the instance with alias configurations and an approximate count', async () => {
    const { client, instanceId, a, b, c } = await setup();
    await client.send(associate(instanceId, a, b));
    const seen: Array<{ id?: string; aliases?: unknown }> = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new SearchEmailAddressesCommand({ InstanceId: instanceId, MaxResults: 2, NextToken }));
      expect(page.ApproximateTotalCount).toBe(3);
      seen.push(...page.EmailAddresses!.map((e) => ({ id: e.EmailAddressId, aliases: e.AliasConfigurations })));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(2);
    expect(seen).toEqual([
      { id: a, aliases: [{ EmailAddressId: b }] },
      { id: b, aliases: [] },
      { id: c, aliases: [] },
    ]);
  });

  test('answers 404 for an unknown instance', async () => {
    const { client } = await setup();
    await expect(client.send(new SearchEmailAddressesCommand({ InstanceId: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('test helpers', () => {
  test('deleteEmailAddress drops the links it took part in, as primary or as alias', async () => {
    const { cn, client, instanceId, a, b, c } = await setup();
    const d = cn.addEmailAddress(instanceId, 'd@example.com');
    await client.send(associate(instanceId, a, b));
    await client.send(associate(instanceId, c, d));
    cn.deleteEmailAddress(instanceId, b);
    cn.deleteEmailAddress(instanceId, c);
    expect(cn.associations()).toEqual([]);
    await expect(client.send(new DescribeEmailAddressCommand({ InstanceId: instanceId, EmailAddressId: b }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(() => cn.deleteEmailAddress(instanceId, b)).toThrow();
  });

  test('builds ARNs from the account and Region', async () => {
    const { cn } = await setup({ region: 'ap-southeast-2' });
    expect(cn.instanceArn('i-1')).toBe(`arn:aws:connect:ap-southeast-2:${ACCOUNT}:instance/i-1`);
    expect(cn.emailAddressArn('i-1', 'e-1')).toBe(`arn:aws:connect:ap-southeast-2:${ACCOUNT}:instance/i-1/email-address/e-1`);
  });

  test('answers an unknown route with UnknownOperationException', async () => {
    const { cn } = await setup();
    const response = await fetch(`${cn.endpoint}/email-addresses/x`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});

describe('fault injection', () => {
  test('an injected 429 ThrottlingException is retried by the SDK, which then succeeds', async () => {
    const { cn, instanceId, a, b } = await setup({
      faults: ({ index }) => (index === 0 ? { kind: 'error', status: 429, name: 'ThrottlingException' } : undefined),
    });
    const output = await clientFor(cn, 3).send(associate(instanceId, a, b));
    expect(output.$metadata.attempts).toBe(2);
    expect(cn.calls.map((c) => c.outcome)).toEqual(['ThrottlingException', 'ok']);
    expect(cn.aliasOf(instanceId, a)).toBe(b);
  });

  test('an injected error reaches a client without retries and is not applied', async () => {
    const { cn, client, instanceId, a, b } = await setup({
      faults: () => ({ kind: 'error', status: 429, name: 'ThrottlingException', message: 'slow down' }),
    });
    await expect(client.send(associate(instanceId, a, b))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'slow down',
      $metadata: { httpStatusCode: 429 },
    });
    expect(cn.associations()).toEqual([]);
  });

  test('a reset is retried by the SDK', async () => {
    const { cn, instanceId, a, b } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'reset' } : undefined) });
    const output = await clientFor(cn, 3).send(associate(instanceId, a, b));
    expect(output.$metadata.attempts).toBe(2);
    expect(cn.calls.map((c) => c.outcome)).toEqual(['reset', 'ok']);
    expect(cn.aliasOf(instanceId, a)).toBe(b);
  });

  test('a lost response applies the change while the client sees an error', async () => {
    const { cn, client, instanceId, a, b } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'lose-response' } : undefined) });
    await expect(client.send(associate(instanceId, a, b))).rejects.toThrow();
    expect(cn.aliasOf(instanceId, a)).toBe(b);
    expect(cn.calls.map((c) => c.outcome)).toEqual(['lost']);
  });

  test('after a lost response the SDK retry reuses the token and gets the stored success', async () => {
    const { cn, instanceId, a, b } = await setup({ faults: ({ index }) => (index === 0 ? { kind: 'lose-response' } : undefined) });
    await clientFor(cn, 3).send(associate(instanceId, a, b));
    expect(cn.calls.map((c) => c.outcome)).toEqual(['lost', 'replayed']);
    expect(cn.calls[1].input.ClientToken).toBe(cn.calls[0].input.ClientToken);
    expect(cn.associations()).toEqual([{ instanceId, emailAddressId: a, aliasEmailAddressId: b }]);
  });
});
