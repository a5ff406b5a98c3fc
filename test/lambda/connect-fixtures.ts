// Shared GIVEN helpers for the Custom::ConnectEmailAddressAlias handler tests. Each test file must itself
// call jest.mock('../../lambda/shared/sleep') (jest hoists it only within the file that contains it).
import { ConnectClient, ResourceConflictException, ResourceNotFoundException } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'crypto';
import { VirtualClock } from '../../testkit/clock/virtual-clock';
import { eventBuilders } from '../../testkit/cloudformation/events';
import { FakeConnect } from './fake-connect';
import type { CustomResourceEvent, LambdaContextLike } from '../../lambda/shared/cloudformation';
import { sleep } from '../../lambda/shared/sleep';

export const connect = mockClient(ConnectClient);

export const INSTANCE = '11111111-2222-3333-4444-555555555555';
export const P = 'primary-p';
export const Q = 'primary-q';
export const B = 'alias-b';
export const C = 'alias-c';
export const OTHER = 'someone-elses-alias';
export const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}`;
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/guid';
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/secret?X-Amz-Signature=SECRET';
export const TEN_MINUTES = 600_000;

/** The ARN of an email address in INSTANCE (or another instance). */
export function addressArn(id: string, instance = INSTANCE): string {
  return `arn:aws:connect:us-east-1:123456789012:instance/${instance}/email-address/${id}`;
}

/** ResourceProperties as the construct writes them. */
export function props(primary: string, alias: string, instance = INSTANCE) {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', InstanceId: instance, EmailAddressId: primary, AliasEmailAddressId: alias };
}

export const { createEvent, updateEvent, deleteEvent } = eventBuilders({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  LogicalResourceId: 'Alias1234',
  ResourceType: 'Custom::ConnectEmailAddressAlias',
});

/** The token: sha256 of the request's identity, the operation and the pair, computed independently of the handler. */
export function expectedToken(event: CustomResourceEvent, operation: string, primary: string, alias: string, instance = INSTANCE): string {
  const identity = [event.StackId, event.LogicalResourceId, event.RequestId, operation, instance, primary, alias];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export function notFound(message = 'Email address not found'): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
}

export function conflict(): ResourceConflictException {
  return new ResourceConflictException({ message: 'Concurrent operation in progress', $metadata: { httpStatusCode: 409 } });
}

export function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
}

/** The marks the resource under test (Alias1234 of stack 'Stack') puts on both addresses of a pair. */
export function marksOf(primary: string, alias: string, logicalId = 'Alias1234'): Record<string, string> {
  return {
    'cdk-aliases:owner': createHash('sha256').update(`Stack/${logicalId}`).digest('hex'),
    'cdk-aliases:stack': 'Stack',
    'cdk-aliases:pair': `${primary}/${alias}`,
  };
}

/** A Lambda context with `ms` left. */
export function contextWith(ms: number): LambdaContextLike {
  return { getRemainingTimeInMillis: () => ms };
}

/** Virtual time: Date.now() reads it and the mocked sleep() advances it. */
export const clock = new VirtualClock();

export function elapsedMs(): number {
  return clock.elapsedMs();
}

/** A fresh account behind the mock, with addresses P, Q, B, C and OTHER in INSTANCE and no alias. */
export function resetConnect(): FakeConnect {
  connect.reset();
  clock.install(jest.mocked(sleep));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const account = new FakeConnect(INSTANCE);
  [P, Q, B, C, OTHER].forEach((id) => account.addAddress(id));
  account.marksFor = (primary, alias) => marksOf(primary, alias);
  account.install(connect);
  return account;
}
