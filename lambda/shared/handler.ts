import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { boundByDeadline, type SendsCommands } from './bounded-client';
import type { CustomResourceEvent, LambdaContextLike, OnEventResponse } from './cloudformation';
import type { Deadline } from './deadline';
import { describeError } from './errors';
import { type Log, loggerFor } from './log';
import { answerDeadline } from './time-budget';

/** What every step of one CloudFormation request shares. Each handler extends it with what its steps need. */
export interface RequestContext<C extends SendsCommands> {
  readonly event: CustomResourceEvent;
  /** When this step must be done by: the answer deadline, or earlier for work that keeps time for an undo. */
  readonly deadline: Deadline;
  readonly log: Log;
  /** The SDK client; every call it makes is abandoned when `deadline` passes. */
  readonly client: C;
}

/** The same context for work that must be done by `deadline` (its SDK calls bound by it too). */
export function until<Ctx extends RequestContext<SendsCommands>>(ctx: Ctx, deadline: Deadline): Ctx {
  return { ...ctx, deadline, client: boundByDeadline(ctx.client, deadline) };
}

/** One handler: how it builds its request context, and what it does for each request type. */
export interface CustomResourceHandler<Ctx> {
  /** `base` is the shared part; the result adds the handler's own (its owner marker, its ClientToken recipe). */
  context(base: { event: CustomResourceEvent; deadline: Deadline; log: Log }): Ctx;
  onCreate(event: CloudFormationCustomResourceCreateEvent, ctx: Ctx): Promise<OnEventResponse>;
  onUpdate(event: CloudFormationCustomResourceUpdateEvent, ctx: Ctx): Promise<OnEventResponse>;
  onDelete(event: CloudFormationCustomResourceDeleteEvent, ctx: Ctx): Promise<OnEventResponse>;
}

/**
 * The body of every onEvent handler: builds the request context, dispatches on the request type, and logs
 * and reports any failure. The thrown message becomes CloudFormation's FAILED reason, so it keeps the
 * service's error name with its message.
 */
export async function runHandler<Ctx>(
  event: CustomResourceEvent,
  lambdaContext: LambdaContextLike,
  handler: CustomResourceHandler<Ctx>,
): Promise<OnEventResponse> {
  const log = loggerFor(event);
  try {
    const ctx = handler.context({ event, deadline: answerDeadline(lambdaContext), log });
    switch (event.RequestType) {
      case 'Create':
        return await handler.onCreate(event, ctx);
      case 'Update':
        return await handler.onUpdate(event, ctx);
      case 'Delete':
        return await handler.onDelete(event, ctx);
      default:
        throw new Error(`Unknown RequestType '${(event as { RequestType?: unknown }).RequestType}'`);
    }
  } catch (error) {
    log('failed', { reason: describeError(error) });
    throw new Error(describeError(error), { cause: error });
  }
}
