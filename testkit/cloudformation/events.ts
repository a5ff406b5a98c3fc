import { randomUUID } from 'node:crypto';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../lambda/environment';

/** A custom resource request exactly as CloudFormation sends it (aws-lambda's own type). */
export type CustomResourceRequest = CloudFormationCustomResourceEvent;
export type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceUpdateEvent, CloudFormationCustomResourceDeleteEvent };

/** What every CloudFormation request for one resource shares. */
export interface ResourceIdentity {
  readonly ServiceToken: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  /** Default: a fresh pre-signed-looking S3 URL in the stack's Region. */
  readonly ResponseURL?: string;
}

export type ResourceProperties = Record<string, unknown>;

/** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`: a new uuid each time a stack of that name is created. */
export function stackArn(stackName: string, location: { accountId?: string; region?: string } = {}, stackUuid: string = randomUUID()): string {
  return `arn:aws:cloudformation:${location.region ?? DEFAULT_REGION}:${location.accountId ?? DEFAULT_ACCOUNT}:stack/${stackName}/${stackUuid}`;
}

/** The account, Region and name a StackId carries. */
export function parseStackArn(stackId: string): { readonly region: string; readonly accountId: string; readonly stackName: string } {
  const match = /^arn:aws[\w-]*:cloudformation:([\w-]+):(\d{12}):stack\/([^/]+)\/.+$/.exec(stackId);
  if (!match) throw new Error(`Not a stack ARN: ${stackId}`);
  return { region: match[1], accountId: match[2], stackName: match[3] };
}

/** Where CloudFormation expects the answer: a pre-signed S3 URL in the stack's Region. */
export function responseUrl(stackId: string): string {
  const region = parseStackArn(stackId).region;
  return `https://cloudformation-custom-resource-response-${region.replace(/-/g, '')}.s3.amazonaws.com/secret-${randomUUID()}`;
}

function envelope(identity: ResourceIdentity, properties: ResourceProperties, requestId: string) {
  return {
    ServiceToken: identity.ServiceToken,
    ResponseURL: identity.ResponseURL ?? responseUrl(identity.StackId),
    StackId: identity.StackId,
    RequestId: requestId,
    LogicalResourceId: identity.LogicalResourceId,
    ResourceType: identity.ResourceType,
    // CloudFormation always sends the ServiceToken among the properties too.
    ResourceProperties: { ServiceToken: identity.ServiceToken, ...properties } as CloudFormationCustomResourceEvent['ResourceProperties'],
  };
}

/** The Create request for `identity` with `properties`. */
export function createEvent(identity: ResourceIdentity, properties: ResourceProperties, requestId: string = randomUUID()): CloudFormationCustomResourceCreateEvent {
  return { ...envelope(identity, properties, requestId), RequestType: 'Create' };
}

/** The Update request: new `properties`, the `oldProperties` in force, the current physical id. */
export function updateEvent(
  identity: ResourceIdentity,
  properties: ResourceProperties,
  oldProperties: ResourceProperties,
  physicalResourceId: string,
  requestId: string = randomUUID(),
): CloudFormationCustomResourceUpdateEvent {
  return {
    ...envelope(identity, properties, requestId),
    RequestType: 'Update',
    PhysicalResourceId: physicalResourceId,
    OldResourceProperties: { ServiceToken: identity.ServiceToken, ...oldProperties } as CloudFormationCustomResourceUpdateEvent['OldResourceProperties'],
  };
}

/** The Delete request for the resource `physicalResourceId`, with the properties it was last deployed with. */
export function deleteEvent(
  identity: ResourceIdentity,
  physicalResourceId: string,
  properties: ResourceProperties,
  requestId: string = randomUUID(),
): CloudFormationCustomResourceDeleteEvent {
  return { ...envelope(identity, properties, requestId), RequestType: 'Delete', PhysicalResourceId: physicalResourceId };
}

/** The physical id an Update or Delete names; undefined for a Create. */
export function physicalIdOf(event: CustomResourceRequest): string | undefined {
  return event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
}

/**
 * Builders bound to one resource, for unit tests of a handler: fixed request ids by default
 * ('req-create', 'req-update', 'req-delete') so a test can name them.
 */
export function eventBuilders(identity: ResourceIdentity) {
  return {
    createEvent: (properties: ResourceProperties, requestId = 'req-create') => createEvent(identity, properties, requestId),
    updateEvent: (properties: ResourceProperties, oldProperties: ResourceProperties, physicalResourceId: string, requestId = 'req-update') =>
      updateEvent(identity, properties, oldProperties, physicalResourceId, requestId),
    deleteEvent: (physicalResourceId: string, properties: ResourceProperties, requestId = 'req-delete') =>
      deleteEvent(identity, physicalResourceId, properties, requestId),
  };
}
