import { AssociateEmailAddressAliasCommand, DisassociateEmailAddressAliasCommand, InvalidRequestException } from '@aws-sdk/client-connect';
import 'aws-sdk-client-mock-jest';
import {
  B,
  C,
  INSTANCE,
  INSTANCE_ARN,
  P,
  Q,
  TEN_MINUTES,
  addressArn,
  connect,
  contextWith,
  expectedToken,
  props,
  resetConnect,
  throttled,
  updateEvent,
} from './connect-fixtures';
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

describe('Update', () => {
  test('swapping the alias B to C disassociates B first (one alias per address), then associates C', async () => {
    // GIVEN Describe lags behind each change
    account.addAddress(P, B);
    account.describeLagMs = 1_000;
    const event = updateEvent(props(P, C), props(P, B), `${INSTANCE}/${P}/${B}`);

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN (the fake refuses a second alias on P)
    expect(account.aliasOf(P)).toBe(C);
    expect(account.changes).toEqual([`Disassociate ${P}<-${B}`, `Associate ${P}<-${C}`]);
    expect(connect).toHaveReceivedCommandWith(DisassociateEmailAddressAliasCommand, {
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'DisassociateEmailAddressAlias', P, B),
    });
    expect(connect).toHaveReceivedCommandWith(AssociateEmailAddressAliasCommand, { ClientToken: expectedToken(event, 'AssociateEmailAddressAlias', P, C) });
    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${C}`, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: C } });
  });

  test('swapping the primary P to Q moves the alias', async () => {
    // GIVEN
    account.addAddress(P, B);

    // WHEN
    const result = await handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBeUndefined();
    expect(account.aliasOf(Q)).toBe(B);
    expect(account.changes).toEqual([`Disassociate ${P}<-${B}`, `Associate ${Q}<-${B}`]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${Q}/${B}`);
  });

  test('with the same pair (written as ARNs) only checks, and keeps the physical id', async () => {
    // GIVEN
    account.addAddress(P, B);
    const physicalId = `${INSTANCE}/${P}/${B}`;

    // WHEN
    const result = await handler(updateEvent(props(addressArn(P), addressArn(B), INSTANCE_ARN), props(P, B), physicalId), contextWith(TEN_MINUTES));

    // THEN
    expect(account.changes).toEqual([]);
    expect(result).toEqual({ PhysicalResourceId: physicalId, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B } });
  });

  test('with the same pair keeps a physical id of another form, so CloudFormation deletes nothing', async () => {
    // GIVEN
    account.addAddress(P, B);

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, B), 'legacy-id'), contextWith(TEN_MINUTES));

    // THEN
    expect(result.PhysicalResourceId).toBe('legacy-id');
  });

  test('with the same pair re-associates an alias removed outside CloudFormation', async () => {
    // GIVEN P has no alias
    const physicalId = `${INSTANCE}/${P}/${B}`;

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, B), physicalId), contextWith(TEN_MINUTES));

    // THEN
    expect(account.changes).toEqual([`Associate ${P}<-${B}`]);
    expect(result.PhysicalResourceId).toBe(physicalId);
  });

  test('a rollback Update restores the old association', async () => {
    // GIVEN the Update to C succeeded, then the stack rolled back: desired is B again, old is C
    account.addAddress(P, C);

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, C), `${INSTANCE}/${P}/${C}`, 'req-rollback'), contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBe(B);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('a rollback of an Update that failed after removing the old alias re-associates it', async () => {
    // GIVEN the Update removed B, then associating C failed: P has no alias

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, C), `${INSTANCE}/${P}/${B}`, 'req-rollback'), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(account.aliasOf(P)).toBe(B);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('a rollback of an Update rejected for invalid properties does not fail on them', async () => {
    // GIVEN the old properties are the invalid ones the failed Update carried
    account.addAddress(P, B);

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, 'bad/alias'), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(account.changes).toEqual([]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('when the old primary no longer exists, only associates the new pair', async () => {
    // GIVEN
    account.removeAddress(P);

    // WHEN
    const result = await handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(account.changes).toEqual([`Associate ${Q}<-${B}`]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${Q}/${B}`);
  });

  test('rejects invalid new properties, naming the property, before any AWS call', async () => {
    // WHEN
    const result = handler(updateEvent(props(P, ''), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(/^aliasEmailAddressId/);
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});

describe('a failed move puts back what it changed', () => {
  test('when the new primary has another alias, the update is refused before anything changes', async () => {
    // GIVEN Q is taken
    account.addAddress(P, B);
    account.addAddress(Q, C);

    // WHEN
    const result = handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(`Email address ${Q} already has the alias ${C}; Amazon Connect allows one alias per address.`);
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(account.aliasOf(P)).toBe(B);
    expect(account.aliasOf(Q)).toBe(C);
  });

  test('when the new association fails after the old one was removed, the old association is restored and the message says so', async () => {
    // GIVEN Describe lags, so the restore must not trust it
    account.addAddress(P, B);
    account.describeLagMs = 1_000;
    account.fail('AssociateEmailAddressAlias', { error: new InvalidRequestException({ message: 'Alias refused', $metadata: {} }) });

    // WHEN
    const result = handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('InvalidRequestException: Alias refused');
    await expect(result).rejects.toThrow('(the previous association was restored)');
    expect(account.aliasOf(P)).toBe(B);
    expect(account.aliasOf(Q)).toBeUndefined();
    // Q's marks for the new pair are gone again; P and B keep theirs.
    expect(account.tagsOf(Q)).toEqual({});
    expect(account.tagsOf(B)['cdk-aliases:pair']).toBe(`${P}/${B}`);
  });

  test('the restore keeps trying through throttling beyond the SDK attempts', async () => {
    // GIVEN the new association is refused, and the restoring Associate is throttled 12 times in a row
    account.addAddress(P, B);
    account.fail('AssociateEmailAddressAlias', { error: new InvalidRequestException({ message: 'Alias refused', $metadata: {} }) });
    account.fail('AssociateEmailAddressAlias', { error: throttled }, 12);

    // WHEN
    const result = handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('(the previous association was restored)');
    expect(account.aliasOf(P)).toBe(B);
  });
});
