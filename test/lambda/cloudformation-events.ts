import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';

/** What every CloudFormation request for one resource shares. */
export interface ResourceIdentity {
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
}

type Properties = Record<string, unknown>;

/** Builders of the Create, Update and Delete requests CloudFormation sends for the resource `identity`. */
export function eventBuilders(identity: ResourceIdentity) {
  const common = (RequestId: string) => ({ ...identity, RequestId });
  return {
    createEvent(resourceProperties: Properties, requestId = 'req-create'): CloudFormationCustomResourceCreateEvent {
      return { ...common(requestId), RequestType: 'Create', ResourceProperties: resourceProperties as never };
    },
    updateEvent(
      resourceProperties: Properties,
      oldResourceProperties: Properties,
      physicalResourceId: string,
      requestId = 'req-update',
    ): CloudFormationCustomResourceUpdateEvent {
      return {
        ...common(requestId),
        RequestType: 'Update',
        PhysicalResourceId: physicalResourceId,
        ResourceProperties: resourceProperties as never,
        OldResourceProperties: oldResourceProperties as never,
      };
    },
    deleteEvent(physicalResourceId: string, resourceProperties: Properties, requestId = 'req-delete'): CloudFormationCustomResourceDeleteEvent {
      return { ...common(requestId), RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: resourceProperties as never };
    },
  };
}
