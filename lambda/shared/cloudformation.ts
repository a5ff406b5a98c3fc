import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** The event the Provider framework passes to our onEvent handler (CloudFormation's request). */
export type CustomResourceEvent = CloudFormationCustomResourceEvent;

/** What an onEvent handler returns to the Provider framework. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  /** Attributes for Fn::GetAtt. Every key a template reads must be present, or the deploy fails. */
  readonly Data?: Record<string, string>;
}

/** The part of the Lambda context the handlers use, so tests can pass a plain object. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}
