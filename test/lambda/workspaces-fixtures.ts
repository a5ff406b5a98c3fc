// Shared GIVEN helpers for the Custom::WorkSpacesConnectionAlias handler tests. Each test file must itself
// call jest.mock('../../lambda/shared/sleep', ...) (jest hoists it only within the file that contains it).
import { createHash } from 'node:crypto';
import { InvalidResourceStateException, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { VirtualClock } from '../../testkit/clock/virtual-clock';
import { eventBuilders } from '../../testkit/cloudformation/events';
import { FakeWorkSpaces } from './fake-workspaces';
import type { LambdaContextLike } from '../../lambda/shared/cloudformation';
import { sleep } from '../../lambda/shared/sleep';
import { ANSWER_RESERVE_MS, WORKSPACES_UNDO_RESERVE_MS } from '../../lambda/shared/time-budget';

/** Mocks the prototype, so the handler's module-level client is mocked too. */
export const ws = mockClient(WorkSpacesClient);

export const OWNER_ACCOUNT = '111111111111';
export const SHARED_ACCOUNT = '222222222222';
export const OTHER_SHARED_ACCOUNT = '333333333333';
export const ALIAS_ID = 'wsca-a1b2c3d4e';
export const NEW_ALIAS_ID = 'wsca-n3w0a1i4s';
export const FOREIGN_ALIAS_ID = 'wsca-f0re1gn77';
export const CONNECTION_STRING = 'desktop.example.com';
export const NEW_CONNECTION_STRING = 'desktop2.example.com';
export const DIRECTORY = 'd-1234567890';
export const OTHER_DIRECTORY = 'd-abcdef0123';
export const OWNER_TAG_KEY = 'cdk-aliases:owner';
export const STACK_TAG_KEY = 'cdk-aliases:stack';
export const PREVIOUS_OWNER_TAG_KEY = 'cdk-aliases:previous-owner';
export const STACK_NAME = 'DesktopStack';
export const STACK_ID = `arn:aws:cloudformation:us-east-1:111111111111:stack/${STACK_NAME}/6b2a-guid`;
export const LOGICAL_ID = 'DesktopAlias1A2B3C4D';
export const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:111111111111:function:provider-onEvent';
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=SECRET-SIGNATURE';
export const TEN_MINUTES = 600_000;
export { ANSWER_RESERVE_MS, WORKSPACES_UNDO_RESERVE_MS as UNDO_RESERVE_MS };

/**
 * The deadlines for a context with `contextMs` left, as elapsed ms from the start, worked out here
 * independently of the handler: it answers by `answerBy` (it keeps min(20 s, 10 %) back), and a Create stops
 * its work by `workBy` (it keeps min(120 s, 25 % of what is left until answerBy) back for undoing it).
 */
export function deadlinesFor(contextMs: number): { answerBy: number; workBy: number } {
  const answerBy = contextMs - Math.min(20_000, contextMs / 10);
  return { answerBy, workBy: answerBy - Math.min(120_000, answerBy / 4) };
}

export { backoffDelays, backoffGivesUpAfter, backoffSleeps } from './backoff';

// ---- events ----

/** ResourceProperties as the construct writes them (plus what a test overrides). */
export function props(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ServiceToken: SERVICE_TOKEN, ConnectionString: CONNECTION_STRING, ...overrides };
}

const events = eventBuilders({
  ServiceToken: SERVICE_TOKEN,
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  LogicalResourceId: LOGICAL_ID,
  ResourceType: 'Custom::WorkSpacesConnectionAlias',
});

export function createEvent(resourceProperties: Record<string, unknown> = props(), requestId = 'req-create'): CloudFormationCustomResourceCreateEvent {
  return events.createEvent(resourceProperties, requestId);
}

export function updateEvent(
  resourceProperties: Record<string, unknown>,
  oldResourceProperties: Record<string, unknown>,
  physicalResourceId = ALIAS_ID,
  requestId = 'req-update',
): CloudFormationCustomResourceUpdateEvent {
  return events.updateEvent(resourceProperties, oldResourceProperties, physicalResourceId, requestId);
}

export function deleteEvent(physicalResourceId = ALIAS_ID, resourceProperties: Record<string, unknown> = props()): CloudFormationCustomResourceDeleteEvent {
  return events.deleteEvent(physicalResourceId, resourceProperties);
}

/** The owner tag value: sha256 hex of `${stack name}/${LogicalResourceId}`, computed independently of the handler. */
export function ownerTagValue(stackName = STACK_NAME, logicalId = LOGICAL_ID): string {
  return createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex');
}

/** The owner tag value the library's first version wrote: sha256 hex of `${StackId}/${LogicalResourceId}`. */
export function legacyOwnerTagValue(stackId = STACK_ID, logicalId = LOGICAL_ID): string {
  return createHash('sha256').update(`${stackId}/${logicalId}`).digest('hex');
}

/** The marks of an alias this resource owns: its owner tag and the stack tag. */
export function ourMarks(): Record<string, string> {
  return { [OWNER_TAG_KEY]: ownerTagValue(), [STACK_TAG_KEY]: STACK_NAME };
}

/** The tags an alias created by this resource carries: the user's and the marks. */
export function ourTags(user: Record<string, string> = {}): Record<string, string> {
  return { ...user, ...ourMarks() };
}

/** A Lambda context with `ms` left. */
export function contextWith(ms = TEN_MINUTES): LambdaContextLike {
  return { getRemainingTimeInMillis: () => ms };
}

// ---- errors ----

/** What WorkSpaces answers while an alias or association is still settling. */
export function settling(): InvalidResourceStateException {
  return new InvalidResourceStateException({ message: 'The specified connection alias is not in a valid state', $metadata: {} });
}

/** What the SDK throws once its own attempts at a throttled call are used up. */
export function throttled(): Error {
  // WorkSpaces models no throttling error; the SDK raises the service's ThrottlingException as a generic one.
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

// ---- per-test setup ----

/** Virtual time: Date.now() reads it and the mocked sleep() advances it, so deadlines pass without waiting. */
export const clock = new VirtualClock();

export function elapsedMs(): number {
  return clock.elapsedMs();
}

/** How many times the handler sent `command`. */
export function sent(command: Parameters<typeof ws.commandCalls>[0]): number {
  return ws.commandCalls(command).length;
}

/**
 * A fresh account behind the mock: no aliases, every call served by the fake. Create hands out ALIAS_ID,
 * then NEW_ALIAS_ID.
 */
export function resetWorkSpaces(): FakeWorkSpaces {
  ws.reset();
  clock.install(jest.mocked(sleep));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const account = new FakeWorkSpaces(OWNER_ACCOUNT, [ALIAS_ID, NEW_ALIAS_ID]);
  account.install(ws);
  return account;
}
