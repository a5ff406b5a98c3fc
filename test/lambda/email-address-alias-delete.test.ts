import { DisassociateEmailAddressAliasCommand } from '@aws-sdk/client-connect';
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
  conflict,
  connect,
  contextWith,
  createEvent,
  deleteEvent,
  elapsedMs,
  expectedToken,
  notFound,
  props,
  resetConnect,
  throttled,
} from './connect-fixtures';
import type { FakeConnect } from './fake-connect';
import { backoffGivesUpAfter } from './backoff';
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

const physicalId = `${INSTANCE}/${P}/${B}`;

describe('Delete', () => {
  test('disassociates the alias, answers once Describe no longer shows it, and keeps the physical id', async () => {
    // GIVEN
    account.addAddress(P, B);
    account.describeLagMs = 1_000;
    const event = deleteEvent(physicalId, props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBeUndefined();
    expect(elapsedMs()).toBeGreaterThanOrEqual(1_000);
    expect(connect.commandCalls(DisassociateEmailAddressAliasCommand)[0].args[0].input).toEqual({
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'DisassociateEmailAddressAlias', P, B),
    });
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('succeeds without Disassociate when the alias is already gone', async () => {
    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('leaves a different alias alone (cleanup Delete after a replacement Update)', async () => {
    // GIVEN the Update associated C; CloudFormation now deletes the old physical id P/B
    account.addAddress(P, C);

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBe(C);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('succeeds when the email address (or instance) no longer exists', async () => {
    // GIVEN
    account.removeAddress(P);

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('fails with the service message when Disassociate 404s but Describe still shows the alias', async () => {
    // GIVEN
    account.addAddress(P, B);
    account.fail('DisassociateEmailAddressAlias', { error: notFound('Alias association not found') });

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('ResourceNotFoundException: Alias association not found');
    expect(account.aliasOf(P)).toBe(B);
  });

  test('succeeds when Disassociate 404s and Describe confirms the alias is gone', async () => {
    // GIVEN someone else removed it meanwhile
    account.addAddress(P, B);
    account.fail('DisassociateEmailAddressAlias', { effect: () => account.addAddress(P), error: notFound('Alias association not found') });

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('retries a ResourceConflictException on Disassociate', async () => {
    // GIVEN
    account.addAddress(P, B);
    account.fail('DisassociateEmailAddressAlias', { error: conflict });

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandTimes(DisassociateEmailAddressAliasCommand, 2);
    expect(account.aliasOf(P)).toBeUndefined();
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('uses the pair in the physical id, not the properties', async () => {
    // GIVEN properties that name another pair (e.g. a Delete that carries newer properties)
    account.addAddress(P, B);
    account.addAddress(Q, C);

    // WHEN
    await handler(deleteEvent(physicalId, props(Q, C)), contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBeUndefined();
    expect(account.aliasOf(Q)).toBe(C);
  });

  test('falls back to the normalised properties when the physical id has another form', async () => {
    // GIVEN
    account.addAddress(P, B);

    // WHEN
    const result = await handler(deleteEvent('some-other-id', props(addressArn(P), addressArn(B), INSTANCE_ARN)), contextWith(TEN_MINUTES));

    // THEN
    expect(account.aliasOf(P)).toBeUndefined();
    expect(result).toEqual({ PhysicalResourceId: 'some-other-id' });
  });

  test('succeeds without AWS calls when neither the physical id nor the properties name a pair', async () => {
    // WHEN
    const result = await handler(deleteEvent('some-other-id', props(P, '')), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(result).toEqual({ PhysicalResourceId: 'some-other-id' });
  });

  test.each([
    // [context, what is kept back for answering]: 10 % of the context, at most 20 s
    [TEN_MINUTES, 20_000],
    [200_000, 20_000],
    [100_000, 10_000],
    [30_000, 3_000],
    [5_000, 500],
  ])('with %i ms left it keeps min(20 s, 10 %%) = %i ms back for answering, waiting for Describe until then', async (contextMs, reserveMs) => {
    // GIVEN Describe never catches up with the Disassociate
    account.addAddress(P, B);
    account.describeLagMs = Infinity;

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(contextMs));

    // THEN it gave up exactly when the next backoff step no longer fitted before context - reserve
    const deadline = contextMs - reserveMs;
    const waited = backoffGivesUpAfter(deadline);
    await expect(result).rejects.toThrow(
      `Timed out after ${Math.round(waited / 1000)}s waiting for alias ${B} to be removed from email address ${P} (last seen: aliases [${B}])`,
    );
    expect(elapsedMs()).toBeCloseTo(waited, 3);
    expect(elapsedMs()).toBeLessThanOrEqual(deadline);
  });
});

describe('undo and deadlines', () => {
  test('a failed Create removes its association even when Disassociate is throttled 12 times in a row', async () => {
    // GIVEN Describe never shows the new alias, and the undo's Disassociate is throttled
    account.describeLagMs = Infinity;
    account.fail('DisassociateEmailAddressAlias', { error: throttled }, 12);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('(the association made for this request was removed again)');
    expect(connect).toHaveReceivedCommandTimes(DisassociateEmailAddressAliasCommand, 13);
    expect(account.aliasOf(P)).toBeUndefined();
  });

  test('a Describe that never answers is abandoned by the answer deadline, naming the call (real time)', async () => {
    // GIVEN
    account.addAddress(P, B);
    account.fail('DescribeEmailAddress', { hang: true });
    const started = performance.now();

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(1_000));

    // THEN
    await expect(result).rejects.toThrow(/Time ran out during DescribeEmailAddress: no answer within the 1s the handler had left for it/);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(account.aliasOf(P)).toBe(B);
  });
});
