import { InvalidRequestException, SearchEmailAddressesCommand, TagResourceCommand } from '@aws-sdk/client-connect';
import 'aws-sdk-client-mock-jest';
import { B, C, INSTANCE, P, TEN_MINUTES, connect, contextWith, createEvent, deleteEvent, marksOf, resetConnect, updateEvent } from './connect-fixtures';
import type { FakeConnect } from './fake-connect';
import { handler } from '../../lambda/email-address-alias';

// Waits must not sleep: the mocked sleep moves a virtual clock instead, so deadlines still pass.
jest.mock('../../lambda/shared/sleep');

let account: FakeConnect;

beforeEach(() => {
  account = resetConnect();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:provider';
const byAddress = (primary: string, alias: string) => ({ ServiceToken: SERVICE_TOKEN, InstanceId: INSTANCE, EmailAddress: primary, AliasEmailAddress: alias });

describe('ownership marks', () => {
  test('a failed Create that took a renamed resource\'s pair over hands it back', async () => {
    // GIVEN P and B marked by the resource 'OldAlias' of the same stack, its association removed out of band
    account.setTags(P, marksOf(P, B, 'OldAlias'));
    account.setTags(B, marksOf(P, B, 'OldAlias'));
    account.fail('AssociateEmailAddressAlias', { error: new InvalidRequestException({ message: 'Alias refused', $metadata: {} }) });

    // WHEN
    const result = handler(createEvent({ ServiceToken: SERVICE_TOKEN, InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B }), contextWith(TEN_MINUTES));

    // THEN the old resource owns both again, exactly as before
    await expect(result).rejects.toThrow('InvalidRequestException: Alias refused');
    expect(account.tagsOf(P)).toEqual(marksOf(P, B, 'OldAlias'));
    expect(account.tagsOf(B)).toEqual(marksOf(P, B, 'OldAlias'));
    expect(account.aliasOf(P)).toBeUndefined();
  });

  test('a Delete of a pair whose marks name another stack leaves it, and succeeds', async () => {
    // GIVEN a pair of another stack, named by this resource's physical id (an imported or hand-edited template)
    account.addAddress(P, B, { unmarked: true });
    const foreign = { 'cdk-aliases:owner': 'f'.repeat(64), 'cdk-aliases:stack': 'OtherStack', 'cdk-aliases:pair': `${P}/${B}` };
    account.setTags(P, foreign);
    account.setTags(B, foreign);

    // WHEN
    const result = await handler(deleteEvent(`${INSTANCE}/${P}/${B}`, { ServiceToken: SERVICE_TOKEN, InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B }), contextWith(TEN_MINUTES));

    // THEN
    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${B}` });
    expect(account.aliasOf(P)).toBe(B);
    expect(account.tagsOf(P)).toEqual(foreign);
  });
});

describe('addresses given as email addresses', () => {
  test('are found through every page, compared ignoring case, before anything changes', async () => {
    // GIVEN a search whose first page holds only addresses that differ, and whose second page holds B in other case
    connect.on(SearchEmailAddressesCommand)
      .resolvesOnce({ EmailAddresses: [{ EmailAddressId: 'x', EmailAddress: 'support@example.com.au' }], NextToken: 'page-2' })
      .resolvesOnce({ EmailAddresses: [{ EmailAddressId: P, EmailAddress: 'SUPPORT@example.com' }] })
      .resolvesOnce({ EmailAddresses: [{ EmailAddressId: B, EmailAddress: 'help@example.com' }] });

    // WHEN
    const result = await handler(createEvent(byAddress('support@example.com', 'help@example.com')), contextWith(TEN_MINUTES));

    // THEN
    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${B}`, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B } });
    expect(connect.commandCalls(SearchEmailAddressesCommand).map((call) => call.args[0].input.NextToken)).toEqual([undefined, 'page-2', undefined]);
    expect(account.aliasOf(P)).toBe(B);
  });

  test('an address not in the instance fails naming it and the instance, having changed nothing', async () => {
    connect.on(SearchEmailAddressesCommand).resolves({ EmailAddresses: [] });

    const result = handler(createEvent(byAddress('support@example.com', 'nobody@example.com')), contextWith(TEN_MINUTES));

    await expect(result).rejects.toThrow(`Email address support@example.com was not found in Amazon Connect instance ${INSTANCE}; nothing was changed.`);
    expect(connect).not.toHaveReceivedCommand(TagResourceCommand);
    expect(account.aliasOf(P)).toBeUndefined();
  });

  test('an Update that changes only something else (ServiceTimeout) looks nothing up', async () => {
    account.addAddress(P, B);
    const old = byAddress('support@example.com', 'help@example.com');

    const result = await handler(updateEvent({ ...old, ServiceTimeout: '1500' }, old, `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${B}`, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B } });
    expect(connect).not.toHaveReceivedCommand(SearchEmailAddressesCommand);
    expect(account.aliasOf(P)).toBe(B);
    expect(account.aliasOf(C)).toBeUndefined();
  });
});
