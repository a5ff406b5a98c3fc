import type { CustomResourceEvent } from './cloudformation';

export type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * A logger whose every line names the resource and request it belongs to. It never prints the event
 * itself: the ResponseURL is a pre-signed URL that lets anyone answer for this resource.
 */
export function loggerFor(event: CustomResourceEvent): Log {
  const context = {
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    requestId: event.RequestId,
    physicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined,
  };
  return (message, fields) => {
    console.log(JSON.stringify({ message, ...context, ...fields }));
  };
}
