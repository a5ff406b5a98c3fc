import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Settings of the Lambda functions that carry out a construct's custom resource.
 *
 * All constructs of one kind in a stack share one handler, so they must all give the same settings;
 * different settings fail at synth rather than being silently ignored.
 */
export interface AliasHandlerOptions {
  /**
   * The VPC to run the handler functions in. They must reach the service's API (NAT or an interface endpoint).
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` to place the handler functions.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the handler functions, when they run in `vpc`.
   * @default - a dedicated security group per function
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The log group the handler functions write to. Give either this or `logRetention`.
   * @default - `/aws/lambda/<function name>`, never expiring
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the handler functions' logs are kept: each function gets a log group with this retention,
   * deleted with the stack. Give either this or `logGroup`.
   * @default - logs never expire
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The instruction set of the handler function.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;
}
