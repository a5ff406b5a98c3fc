import {
  AccessDeniedException,
  AssociateEmailAddressAliasCommand,
  ConnectClient,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
  IdempotencyException,
  InvalidRequestException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'crypto';
import { eventBuilders } from './cloudformation-events';
import { handler } from '../../lambda/email-address-alias';
import { clientToken } from '../../lambda/email-address-alias/client-token';
import type { CustomResourceEvent, LambdaContextLike } from '../../lambda/shared/cloudformation';
import { DEFAULT_BACKOFF } from '../../lambda/shared/poll';
import { sleep } from '../../lambda/shared/sleep';
import { backoffGivesUpAfter } from './backoff';

// Waits must not sleep: the mocked sleep moves a virtual clock instead, so deadlines still pass.
jest.mock('../../lambda/shared/sleep');

const connect = mockClient(ConnectClient);

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const P = 'primary-p';
const Q = 'primary-q';
const B = 'alias-b';
const C = 'alias-c';
const OTHER = 'someone-elses-alias';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}`;
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/guid';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/secret?X-Amz-Signature=SECRET';
const TEN_MINUTES = 600_000;

/** The ARN of an email address in INSTANCE (or another instance). */
function addressArn(id: string, instance = INSTANCE): string {
  return `arn:aws:connect:us-east-1:123456789012:instance/${instance}/email-address/${id}`;
}

/** ResourceProperties as the construct writes them. */
function props(primary: string, alias: string, instance = INSTANCE) {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', InstanceId: instance, EmailAddressId: primary, AliasEmailAddressId: alias };
}

/** The fields every CloudFormation request carries. */
const { createEvent, updateEvent, deleteEvent } = eventBuilders({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  LogicalResourceId: 'Alias1234',
  ResourceType: 'Custom::ConnectEmailAddressAlias',
});

/** The token the spec defines, computed independently of the handler. */
function expectedToken(event: CustomResourceEvent, operation: string, primary: string, alias: string, instance = INSTANCE): string {
  const identity = [event.StackId, event.LogicalResourceId, event.RequestId, operation, instance, primary, alias];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** Describe on `primary` answers `states` in turn (aliases listed, or an error); the last one repeats. */
function givenAliases(primary: string, ...states: Array<string[] | Error>): void {
  const output = (aliases: string[]) => ({
    EmailAddressId: primary,
    AliasConfigurations: aliases.map((alias) => ({ EmailAddressId: alias })),
  });
  let behaviour = connect.on(DescribeEmailAddressCommand, { InstanceId: INSTANCE, EmailAddressId: primary });
  states.slice(0, -1).forEach((state) => {
    behaviour = state instanceof Error ? behaviour.rejectsOnce(state) : behaviour.resolvesOnce(output(state));
  });
  const last = states[states.length - 1];
  if (last instanceof Error) {
    behaviour.rejects(last);
  } else {
    behaviour.resolves(output(last));
  }
}

/** The Connect calls made, in order, as short strings. */
function callSequence(): string[] {
  return connect.calls().map((call) => {
    const command = call.args[0];
    const input = command.input as { EmailAddressId: string; AliasConfiguration?: { EmailAddressId: string } };
    if (command instanceof DescribeEmailAddressCommand) {
      return `Describe ${input.EmailAddressId}`;
    }
    const verb = command instanceof AssociateEmailAddressAliasCommand ? 'Associate' : 'Disassociate';
    return `${verb} ${input.EmailAddressId}<-${input.AliasConfiguration?.EmailAddressId}`;
  });
}

function notFound(message = 'Email address not found'): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
}

function conflict(): ResourceConflictException {
  return new ResourceConflictException({ message: 'Concurrent operation in progress', $metadata: { httpStatusCode: 409 } });
}

/** A Lambda context with `ms` left. */
function contextWith(ms: number): LambdaContextLike {
  return { getRemainingTimeInMillis: () => ms };
}

let clock: number;
let started: number;
let logSpy: jest.SpyInstance;

beforeEach(() => {
  connect.reset();
  clock = 1_800_000_000_000;
  started = clock;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  jest.mocked(sleep).mockReset();
  jest.mocked(sleep).mockImplementation(async (ms: number) => {
    clock += ms;
  });
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Create', () => {
  test('associates the alias with the primary and waits until Describe shows it', async () => {
    // GIVEN
    givenAliases(P, [], [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});
    const event = createEvent(props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandTimes(AssociateEmailAddressAliasCommand, 1);
    const sent = connect.commandCalls(AssociateEmailAddressAliasCommand)[0].args[0].input;
    expect(sent).toEqual({
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'AssociateEmailAddressAlias', P, B),
    });
    // Pinned once, so an accidental change of the token's recipe shows up here.
    expect(sent.ClientToken).toBe('458ee2bc79a3a311f18c5719a052adb62e2751090010b14d2b02b3011d9e29a4');
    expect(callSequence()).toEqual([`Describe ${P}`, `Associate ${P}<-${B}`, `Describe ${P}`, `Describe ${P}`]);
    expect(result).toEqual({
      PhysicalResourceId: `${INSTANCE}/${P}/${B}`,
      Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B },
    });
  });

  test('skips Associate when an earlier delivery of the request already associated the alias', async () => {
    // GIVEN
    givenAliases(P, [B]);

    // WHEN
    const result = await handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(AssociateEmailAddressAliasCommand);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('fails, leaving it alone, when the primary already has another alias', async () => {
    // GIVEN
    givenAliases(P, [OTHER]);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(
      `Email address ${P} already has the alias ${OTHER}; Amazon Connect allows one alias per address. Disassociate that alias first`,
    );
    expect(connect).not.toHaveReceivedCommand(AssociateEmailAddressAliasCommand);
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
  });

  test('sends ids, not ARNs, and returns ids', async () => {
    // GIVEN
    givenAliases(P, [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(createEvent(props(addressArn(P), addressArn(B), INSTANCE_ARN)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandWith(DescribeEmailAddressCommand, { InstanceId: INSTANCE, EmailAddressId: P });
    expect(connect).toHaveReceivedCommandWith(AssociateEmailAddressAliasCommand, {
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
    });
    expect(result).toEqual({
      PhysicalResourceId: `${INSTANCE}/${P}/${B}`,
      Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B },
    });
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

  test('fails with the service message when the primary does not exist', async () => {
    // GIVEN
    givenAliases(P, notFound('Email address primary-p not found'));

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('ResourceNotFoundException: Email address primary-p not found');
    expect(connect).not.toHaveReceivedCommand(AssociateEmailAddressAliasCommand);
  });

  test('retries ResourceConflictException with the same token until the lock clears', async () => {
    // GIVEN
    givenAliases(P, [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves({});
    const event = createEvent(props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
    const tokens = connect.commandCalls(AssociateEmailAddressAliasCommand).map((call) => call.args[0].input.ClientToken);
    expect(tokens).toEqual(Array(3).fill(expectedToken(event, 'AssociateEmailAddressAlias', P, B)));
  });

  test('gives up on a ResourceConflictException that never clears after at most 60 s', async () => {
    // GIVEN
    givenAliases(P, []);
    connect.on(AssociateEmailAddressAliasCommand).rejects(conflict());

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(/kept failing.*ResourceConflictException: Concurrent operation in progress/);
    // Retried for a while (until the next backoff step no longer fitted in the 60 s), but nowhere near the ten
    // minutes the function had left.
    expect(clock - started).toBeGreaterThan(60_000 - DEFAULT_BACKOFF.maxDelayMs);
    expect(clock - started).toBeLessThanOrEqual(60_000);
  });

  test('stops retrying a conflict at the handler deadline when that comes before 60 s', async () => {
    // GIVEN: 30 s left, 3 s (10 %) of it kept back for reporting, so the handler deadline comes at 27 s;
    // a Create keeps a quarter of that (6.75 s) for undoing itself, so its work ends at 20.25 s
    givenAliases(P, []);
    connect.on(AssociateEmailAddressAliasCommand).rejects(conflict());

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(30_000));

    // THEN it retried until the next backoff step (DEFAULT_BACKOFF.maxDelayMs at most) no longer fitted before the deadline
    await expect(result).rejects.toThrow(/ResourceConflictException/);
    expect(clock - started).toBeLessThanOrEqual(20_250);
    expect(clock - started).toBeGreaterThan(20_250 - DEFAULT_BACKOFF.maxDelayMs);
    // Nothing was associated, so there was nothing to undo.
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
  });

  test.each([
    ['ResourceNotFoundException', notFound('Alias email address alias-b not found')],
    ['InvalidRequestException', new InvalidRequestException({ message: 'Alias cannot have an alias', $metadata: {} })],
    ['AccessDeniedException', new AccessDeniedException({ message: 'Not allowed', $metadata: {} })],
    ['IdempotencyException', new IdempotencyException({ message: 'Token reused', $metadata: {} })],
  ])('fails at once with the service message on %s from Associate', async (name, error) => {
    // GIVEN
    givenAliases(P, []);
    connect.on(AssociateEmailAddressAliasCommand).rejects(error);

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow(`${name}: ${error.message}`);
    expect(connect).toHaveReceivedCommandTimes(AssociateEmailAddressAliasCommand, 1);
    expect(sleep).not.toHaveBeenCalled();
  });

  test('times out naming what it waited for when Describe never shows the alias', async () => {
    // GIVEN: 30 s left, 3 s (10 %) of it kept back for reporting, so 27 s in all; a Create keeps a quarter
    // of that (6.75 s) for undoing itself, so it waits until 20.25 s
    givenAliases(P, []);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = handler(createEvent(props(P, B)), contextWith(30_000));

    // THEN it names what it waited for, and removes the association it made (Describe may just lag behind)
    await expect(result).rejects.toThrow(
      new RegExp(
        `^Timed out after \\d+s waiting for alias ${B} to appear on email address ${P} \\(last seen: no alias\\) ` +
        '\\(the association made for this request was removed again\\)$',
      ),
    );
    expect(connect).toHaveReceivedCommandWith(DisassociateEmailAddressAliasCommand, { EmailAddressId: P, AliasConfiguration: { EmailAddressId: B } });
    expect(clock - started).toBeLessThanOrEqual(27_000);
  });

  test('never logs the ResponseURL', async () => {
    // GIVEN
    givenAliases(P, [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    await handler(createEvent(props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(logSpy).toHaveBeenCalled();
    const logged = logSpy.mock.calls.map((args) => args.join(' ')).join('\n');
    expect(logged).not.toContain('SECRET');
  });
});

describe('ClientToken', () => {
  const pair = { instanceId: INSTANCE, primaryId: P, aliasId: B };

  test('is the same for the same event redelivered', async () => {
    // GIVEN
    givenAliases(P, [], [B], [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});
    const event = createEvent(props(P, B), 'req-1');

    // WHEN
    await handler(event, contextWith(TEN_MINUTES));
    await handler({ ...event }, contextWith(TEN_MINUTES));

    // THEN
    const [first, second] = connect.commandCalls(AssociateEmailAddressAliasCommand).map((call) => call.args[0].input.ClientToken);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  test('differs for a different RequestId', async () => {
    // GIVEN
    givenAliases(P, [], [B], [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    await handler(createEvent(props(P, B), 'req-1'), contextWith(TEN_MINUTES));
    await handler(createEvent(props(P, B), 'req-2'), contextWith(TEN_MINUTES));

    // THEN
    const [first, second] = connect.commandCalls(AssociateEmailAddressAliasCommand).map((call) => call.args[0].input.ClientToken);
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

describe('Update', () => {
  test('swapping the alias B to C disassociates B, then associates C', async () => {
    // GIVEN: Describe P shows B (check), nothing (after Disassociate), nothing (create check), C (confirm)
    givenAliases(P, [B], [], [], [C]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});
    connect.on(AssociateEmailAddressAliasCommand).resolves({});
    const event = updateEvent(props(P, C), props(P, B), `${INSTANCE}/${P}/${B}`);

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([
      `Describe ${P}`,
      `Disassociate ${P}<-${B}`,
      `Describe ${P}`,
      `Describe ${P}`,
      `Associate ${P}<-${C}`,
      `Describe ${P}`,
    ]);
    expect(connect).toHaveReceivedCommandWith(DisassociateEmailAddressAliasCommand, {
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'DisassociateEmailAddressAlias', P, B),
    });
    expect(connect).toHaveReceivedCommandWith(AssociateEmailAddressAliasCommand, {
      ClientToken: expectedToken(event, 'AssociateEmailAddressAlias', P, C),
    });
    expect(result).toEqual({
      PhysicalResourceId: `${INSTANCE}/${P}/${C}`,
      Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: C },
    });
  });

  test('waits for the old alias to disappear before associating the new one', async () => {
    // GIVEN: Describe still shows B once after Disassociate (eventual consistency)
    givenAliases(P, [B], [B], [], [], [C]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    await handler(updateEvent(props(P, C), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([
      `Describe ${P}`,
      `Disassociate ${P}<-${B}`,
      `Describe ${P}`,
      `Describe ${P}`,
      `Describe ${P}`,
      `Associate ${P}<-${C}`,
      `Describe ${P}`,
    ]);
  });

  test('swapping the primary P to Q moves the alias', async () => {
    // GIVEN
    givenAliases(P, [B], []);
    givenAliases(Q, [], [B]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([
      `Describe ${P}`,
      `Disassociate ${P}<-${B}`,
      `Describe ${P}`,
      `Describe ${Q}`,
      `Associate ${Q}<-${B}`,
      `Describe ${Q}`,
    ]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${Q}/${B}`);
  });

  test('with the same pair (written as ARNs) only checks, and keeps the physical id', async () => {
    // GIVEN
    givenAliases(P, [B]);
    const physicalId = `${INSTANCE}/${P}/${B}`;

    // WHEN
    const result = await handler(
      updateEvent(props(addressArn(P), addressArn(B), INSTANCE_ARN), props(P, B), physicalId),
      contextWith(TEN_MINUTES),
    );

    // THEN
    expect(callSequence()).toEqual([`Describe ${P}`]);
    expect(result).toEqual({
      PhysicalResourceId: physicalId,
      Data: { InstanceId: INSTANCE, EmailAddressId: P, AliasEmailAddressId: B },
    });
  });

  test('with the same pair keeps a physical id of another form, so CloudFormation deletes nothing', async () => {
    // GIVEN
    givenAliases(P, [B]);

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, B), 'legacy-id'), contextWith(TEN_MINUTES));

    // THEN
    expect(result.PhysicalResourceId).toBe('legacy-id');
  });

  test('with the same pair re-associates an alias removed outside CloudFormation', async () => {
    // GIVEN
    givenAliases(P, [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});
    const physicalId = `${INSTANCE}/${P}/${B}`;

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, B), physicalId), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([`Describe ${P}`, `Associate ${P}<-${B}`, `Describe ${P}`]);
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result.PhysicalResourceId).toBe(physicalId);
  });

  test('a rollback Update restores the old association', async () => {
    // GIVEN: the Update to C succeeded, then the stack rolled back: desired is B again, old is C
    givenAliases(P, [C], [], [], [B]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, C), `${INSTANCE}/${P}/${C}`, 'req-rollback'), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([
      `Describe ${P}`,
      `Disassociate ${P}<-${C}`,
      `Describe ${P}`,
      `Describe ${P}`,
      `Associate ${P}<-${B}`,
      `Describe ${P}`,
    ]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('a rollback of an Update that failed after removing the old alias re-associates it', async () => {
    // GIVEN: the Update removed B, then Associate C failed; C was never associated
    givenAliases(P, [], [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, C), `${INSTANCE}/${P}/${B}`, 'req-rollback'), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(callSequence()).toEqual([`Describe ${P}`, `Describe ${P}`, `Associate ${P}<-${B}`, `Describe ${P}`]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('a rollback of an Update rejected for invalid properties does not fail on them', async () => {
    // GIVEN: the old properties are the invalid ones the failed Update carried
    givenAliases(P, [B]);

    // WHEN
    const result = await handler(updateEvent(props(P, B), props(P, 'bad/alias'), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([`Describe ${P}`]);
    expect(result.PhysicalResourceId).toBe(`${INSTANCE}/${P}/${B}`);
  });

  test('when the old primary no longer exists, only associates the new pair', async () => {
    // GIVEN
    givenAliases(P, notFound());
    givenAliases(Q, [], [B]);
    connect.on(AssociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(updateEvent(props(Q, B), props(P, B), `${INSTANCE}/${P}/${B}`), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(callSequence()).toEqual([`Describe ${P}`, `Describe ${Q}`, `Associate ${Q}<-${B}`, `Describe ${Q}`]);
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

describe('Delete', () => {
  const physicalId = `${INSTANCE}/${P}/${B}`;

  test('disassociates the alias, waits until Describe no longer shows it and keeps the physical id', async () => {
    // GIVEN
    givenAliases(P, [B], [B], []);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});
    const event = deleteEvent(physicalId, props(P, B));

    // WHEN
    const result = await handler(event, contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandTimes(DisassociateEmailAddressAliasCommand, 1);
    expect(connect.commandCalls(DisassociateEmailAddressAliasCommand)[0].args[0].input).toEqual({
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
      ClientToken: expectedToken(event, 'DisassociateEmailAddressAlias', P, B),
    });
    expect(callSequence()).toEqual([`Describe ${P}`, `Disassociate ${P}<-${B}`, `Describe ${P}`, `Describe ${P}`]);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('succeeds without Disassociate when the alias is already gone', async () => {
    // GIVEN
    givenAliases(P, []);

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('leaves a different alias alone (cleanup Delete after a replacement Update)', async () => {
    // GIVEN: the Update associated C; CloudFormation now deletes the old physical id P/B
    givenAliases(P, [C]);

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('succeeds when the email address (or instance) no longer exists', async () => {
    // GIVEN
    givenAliases(P, notFound());

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedCommand(DisassociateEmailAddressAliasCommand);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('fails with the service message when Disassociate 404s but Describe still shows the alias', async () => {
    // GIVEN
    givenAliases(P, [B]);
    connect.on(DisassociateEmailAddressAliasCommand).rejects(notFound('Alias association not found'));

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    await expect(result).rejects.toThrow('ResourceNotFoundException: Alias association not found');
    expect(callSequence()).toEqual([`Describe ${P}`, `Disassociate ${P}<-${B}`, `Describe ${P}`]);
  });

  test('succeeds when Disassociate 404s and Describe confirms the alias is gone', async () => {
    // GIVEN
    givenAliases(P, [B], []);
    connect.on(DisassociateEmailAddressAliasCommand).rejects(notFound('Alias association not found'));

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([`Describe ${P}`, `Disassociate ${P}<-${B}`, `Describe ${P}`]);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('retries a ResourceConflictException on Disassociate', async () => {
    // GIVEN
    givenAliases(P, [B], []);
    connect.on(DisassociateEmailAddressAliasCommand).rejectsOnce(conflict()).resolves({});

    // WHEN
    const result = await handler(deleteEvent(physicalId, props(P, B)), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).toHaveReceivedCommandTimes(DisassociateEmailAddressAliasCommand, 2);
    expect(result).toEqual({ PhysicalResourceId: physicalId });
  });

  test('uses the pair in the physical id, not the properties', async () => {
    // GIVEN: properties that name another pair (e.g. a Delete that carries newer properties)
    givenAliases(P, [B], []);
    givenAliases(Q, [C]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});

    // WHEN
    await handler(deleteEvent(physicalId, props(Q, C)), contextWith(TEN_MINUTES));

    // THEN
    expect(callSequence()).toEqual([`Describe ${P}`, `Disassociate ${P}<-${B}`, `Describe ${P}`]);
  });

  test('falls back to the normalised properties when the physical id has another form', async () => {
    // GIVEN
    givenAliases(P, [B], []);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = await handler(
      deleteEvent('some-other-id', props(addressArn(P), addressArn(B), INSTANCE_ARN)),
      contextWith(TEN_MINUTES),
    );

    // THEN
    expect(connect).toHaveReceivedCommandWith(DisassociateEmailAddressAliasCommand, {
      InstanceId: INSTANCE,
      EmailAddressId: P,
      AliasConfiguration: { EmailAddressId: B },
    });
    expect(result).toEqual({ PhysicalResourceId: 'some-other-id' });
  });

  test('succeeds without AWS calls when neither the physical id nor the properties name a pair', async () => {
    // WHEN
    const result = await handler(deleteEvent('some-other-id', props(P, '')), contextWith(TEN_MINUTES));

    // THEN
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(result).toEqual({ PhysicalResourceId: 'some-other-id' });
  });

  test('times out naming what it waited for when Describe keeps showing the alias', async () => {
    // GIVEN
    givenAliases(P, [B]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(30_000));

    // THEN
    await expect(result).rejects.toThrow(
      `waiting for alias ${B} to be removed from email address ${P} (last seen: aliases [${B}])`,
    );
  });

  test.each([
    // [context, what is kept back for answering]: 10 % of the context, at most 20 s
    [TEN_MINUTES, 20_000],
    [200_000, 20_000],
    [100_000, 10_000],
    [30_000, 3_000],
    [5_000, 500],
  ])('with %i ms left it keeps min(20 s, 10 %%) = %i ms back for answering and waits until then', async (contextMs, reserveMs) => {
    // GIVEN Describe keeps showing the alias after Disassociate
    givenAliases(P, [B]);
    connect.on(DisassociateEmailAddressAliasCommand).resolves({});

    // WHEN
    const result = handler(deleteEvent(physicalId, props(P, B)), contextWith(contextMs));

    // THEN it gave up exactly when the next backoff step no longer fitted before context - reserve
    const deadline = contextMs - reserveMs;
    const waited = backoffGivesUpAfter(deadline);
    await expect(result).rejects.toThrow(
      `Timed out after ${Math.round(waited / 1000)}s waiting for alias ${B} to be removed from email address ${P} (last seen: aliases [${B}])`,
    );
    expect(clock - started).toBeCloseTo(waited, 3);
    expect(clock - started).toBeLessThanOrEqual(deadline);
    expect(callSequence()).toEqual([`Describe ${P}`, `Disassociate ${P}<-${B}`, ...Array(callSequence().length - 2).fill(`Describe ${P}`)]);
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
