import {
  AccessDeniedException,
  AssociateEmailAddressAliasCommand,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
  IdempotencyException,
  InvalidRequestException,
} from '@aws-sdk/client-connect';
import 'aws-sdk-client-mock-jest';
import {
  B,
  C,
  INSTANCE,
  INSTANCE_ARN,
  OTHER,
  P,
  TEN_MINUTES,
  addressArn,
  conflict,
  connect,
  contextWith,
  createEvent,
  elapsedMs,
  expectedToken,
  notFound,
  props,
  resetConnect,
} from './connect-fixtures';
import type { FakeConnect } from './fake-connect';
import { handler } from '../../lambda/email-address-alias';
import { clientToken } from '../../lambda/email-address-alias/client-token';
import type { CustomResourceEvent } from '../../lambda/shared/cloudformation';
import { sleep } from '../../lambda/shared/sleep';
import { DEFAULT_BACKOFF, IAM_PROPAGATION_GRACE_MS } from '../../lambda/shared/time-budget';

// Waits must not sleep: the mocked sleep moves a virtual clock instead, so deadlines still pass.
jest.mock('../../lambda/shared/sleep');

let account: FakeConnect;

beforeEach(() => {
  account = resetConnect();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const tokensSent = () => connect.commandCalls(AssociateEmailAddressAliasCommand).map((call) => call.args[0].input.ClientToken);

describe('Create', () => {
  test('associates the alias with the primary and answers once Describe shows it', async () => {
    // GIVEN Describe lags a second behind the change
    account.describeLagMs = 1_000;
    const event = createEvent(props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBe(B);
    expect(elapsedMs()).toBeGreaterThanOrEqual(1_000);
    expect(connect).toHaveReceivedCommandTimes(AssociateEmailAddressAliasCommand, 1);
    expect(connect.commandCalls(AssociateEmailAddressAliasCommand)[0].args[0].input).toEqual({
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'AssociateEmailAddressAlias', P, B),
    });
    // Pinned once, so an accidental change of the token's recipe shows up here.
    expect(tokensSent()[0]).toBe('458ee2bc79a3a311f18c5719a052adb62e2751090010b14d2b02b3011d9e29a4');
    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${B}`, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B } });
  });

  test('skips Associate when an earlier delivery of the request already associated the alias', async () => {
    // GIVEN
    account.addAddress(P, B);

    // WHEN
    const result = await handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(AssociateEmailAddressAliasCommand);
    expect(account.aliasOf(P)).toBe(B);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('fails, leaving it alone, when the primary already has another alias', async () => {
    // GIVEN
    account.addAddress(P, OTHER);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(`Email address ${P} already has the alias ${OTHER}; Amazon Connect allows one alias per address. Disassociate that alias first`);
    expect(account.aliasOf(P)).toBe(OTHER);
    expect(account.changes).toEqual([]);
  });

  test('sends ids, not ARNs, and returns ids', async () => {
    // WHEN
    const result = await handler(createEvent(props(addressArn(P), addressArn(B), INSTANCE_ARN)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandWith(DescribeEmailAddressCommand, { InstanceId: INSTANCE, EmailAddressId: P });
    expect(account.aliasOf(P)).toBe(B);
    expect(result).toEqual({ PhysicalResourceId: `${INSTANCE}/${P}/${B}`, Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B } });
  });

  test.each([
    ['an instance id with a slash', props(P, B, 'a/b'), 'instanceId'],
    ['a missing instance id', { InstanceId: undefined, EmailAddressId: P, AliasEmailAddressId: B }, 'instanceId'],
    ['an email address ARN as the instance', props(P, B, addressArn(P)), 'instanceId'],
    ['an empty primary', props('', B), 'emailAddressId'],
    ['a primary that is not a string', { InstanceId: INSTANCE, EmailAddressId: 42, AliasEmailAddressId: B }, 'emailAddressId'],
    ['an alias with a slash', props(P, 'x/y'), 'aliasEmailAddressId'],
    ['an instance ARN as the alias', props(P, INSTANCE_ARN), 'aliasEmailAddressId'],
    ['a primary ARN in another instance', props(addressArn(P, 'other-instance'), B), 'emailAddressId'],
    ['an alias ARN in another instance', props(P, addressArn(B, 'other-instance')), 'aliasEmailAddressId'],
    ['the primary as its own alias (id and ARN)', props(P, addressArn(P)), 'aliasEmailAddressId must differ from emailAddressId'],
  ])('rejects %s, naming the property, before any AWS call', async (_, resourceProperties, property) => {
    // WHEN
    const result = handler(createEvent(resourceProperties), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(new RegExp(`^${property}`));
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  test('fails with the service message when the primary does not exist, and logs the failure with its reason', async () => {
    // GIVEN
    account.removeAddress(P);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('ResourceNotFoundException: Email address primary-p not found');
    expect(connect).not.toHaveReceivedCommand(AssociateEmailAddressAliasCommand);
    const failed = jest.mocked(console.log).mock.calls.map((args) => JSON.parse(String(args[0]))).find((line) => line.message === 'failed');
    expect(failed).toMatchObject({ reason: expect.stringContaining('ResourceNotFoundException: Email address primary-p not found'), requestType: 'Create' });
  });

  test('retries ResourceConflictException with the same token until the lock clears', async () => {
    // GIVEN
    account.fail('AssociateEmailAddressAlias', { error: conflict }, 2);
    const event = createEvent(props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBe(B);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
    expect(tokensSent()).toEqual(Array(3).fill(expectedToken(event, 'AssociateEmailAddressAlias', P, B)));
  });

  test('gives up on a ResourceConflictException that never clears after at most 60 s', async () => {
    // GIVEN
    account.fail('AssociateEmailAddressAlias', { error: conflict }, Infinity);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN retried for a while, but nowhere near the ten minutes the function had left
    await expect(result).rejects.toThrow(/kept failing.*ResourceConflictException: Concurrent operation in progress/);
    expect(elapsedMs()).toBeGreaterThan(60_000 - DEFAULT_BACKOFF.maxDelayMs);
    expect(elapsedMs()).toBeLessThanOrEqual(60_000);
    expect(account.aliasOf(P)).toBeUndefined();
  });

  test('stops retrying a conflict at the work deadline when that comes before 60 s', async () => {
    // GIVEN 30 s left: 3 s (10 %) kept for answering, so 27 s; a Create keeps a quarter of that (6.75 s) for
    // undoing itself, so its work ends at 20.25 s
    account.fail('AssociateEmailAddressAlias', { error: conflict }, Infinity);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(30_000));

    // THEN
    await expect(result).rejects.toThrow(/ResourceConflictException/);
    expect(elapsedMs()).toBeLessThanOrEqual(20_250);
    expect(elapsedMs()).toBeGreaterThan(20_250 - DEFAULT_BACKOFF.maxDelayMs);
    // nothing was associated, so there was nothing to undo
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
  });

  test.each([
    ['ResourceNotFoundException', notFound('Alias email address alias-b not found')],
    ['InvalidRequestException', new InvalidRequestException({ message: 'Alias cannot have an alias', $metadata: {} })],
    ['IdempotencyException', new IdempotencyException({ message: 'Token reused', $metadata: {} })],
  ])('fails at once with the service message on %s from Associate', async (name, error) => {
    // GIVEN
    account.fail('AssociateEmailAddressAlias', { error }, Infinity);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(`${name}: ${error.message}`);
    expect(connect).toHaveReceivedCommandTimes(AssociateEmailAddressAliasCommand, 1);
    expect(sleep).not.toHaveBeenCalled();
    expect(account.aliasOf(P)).toBeUndefined();
  });

  test('AccessDeniedException is sent again only within the IAM propagation grace, then fails with the service message', async () => {
    // GIVEN every Associate is denied
    account.fail('AssociateEmailAddressAlias', { error: new AccessDeniedException({ message: 'Not allowed', $metadata: {} }) }, Infinity);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN it fails with IAM's message within the grace, and the marks it set are gone again
    await expect(result).rejects.toThrow('AccessDeniedException: Not allowed');
    expect(elapsedMs()).toBeLessThanOrEqual(IAM_PROPAGATION_GRACE_MS);
    expect(connect.commandCalls(AssociateEmailAddressAliasCommand).length).toBeGreaterThan(1);
    expect(account.aliasOf(P)).toBeUndefined();
    expect(account.tagsOf(P)).toEqual({});
    expect(account.tagsOf(B)).toEqual({});
  });

  test('times out naming what it waited for when Describe never shows the alias, and removes the association it made', async () => {
    // GIVEN 30 s left: the work ends at 20.25 s, the undo by 27 s
    account.describeLagMs = Infinity;

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(30_000));

    // THEN (Describe may just lag behind: what this request did is what counts)
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after \\d+s waiting for alias ${B} to appear on email address ${P} \\(last seen: no alias\\) \\(the association made for this request was removed again\\)$`),
    );
    expect(account.aliasOf(P)).toBeUndefined();
    expect(elapsedMs()).toBeLessThanOrEqual(27_000);
  });

  test('never logs the ResponseURL', async () => {
    // WHEN
    await handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    const logged = jest.mocked(console.log).mock.calls.map((args) => args.join(' ')).join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain('SECRET');
  });
});

describe('ClientToken', () => {
  const pair = { instanceId: INSTANCE, primaryId: P, aliasId: B };

  test('is the same for the same event redelivered', async () => {
    // GIVEN the first delivery's association was removed before the redelivery
    const event = createEvent(props(P, B), 'req-1');
    await handler(event, contextWith(TEN_MINUTES));
    account.addAddress(P);

    // WHEN
    await handler({ ...event }, contextWith(TEN_MINUTES));

    // THEN
    const [first, second] = tokensSent();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  test('differs for a different RequestId', async () => {
    // GIVEN
    await handler(createEvent(props(P, B), 'req-1'), contextWith(TEN_MINUTES));
    account.addAddress(P);

    // WHEN
    await handler(createEvent(props(P, B), 'req-2'), contextWith(TEN_MINUTES));

    // THEN
    const [first, second] = tokensSent();
    expect(second).not.toBe(first);
  });

  test('differs between operations and between pairs of the same request', () => {
    // GIVEN
    const event = createEvent(props(P, B));

    // WHEN
    const associate = clientToken(event, 'AssociateEmailAddressAlias', pair);
    const disassociate = clientToken(event, 'DisassociateEmailAddressAlias', pair);
    const otherPair = clientToken(event, 'AssociateEmailAddressAlias', { ...pair, aliasId: C });

    // THEN
    expect(new Set([associate, disassociate, otherPair]).size).toBe(3);
    expect(associate.length).toBeLessThanOrEqual(500);
  });
});

test('an unknown RequestType fails', async () => {
  // GIVEN
  const event = { ...createEvent(props(P, B)), RequestType: 'Replace' } as unknown as CustomResourceEvent;

  // WHEN
  const result = handler(event, contextWith(TEN_MINUTES));

  // THEN
  await expect(result).rejects.toThrow("Unknown RequestType 'Replace'");
  expect(connect).not.toHaveReceivedAnyCommand();
});
