import * as path from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { AliasHandlerOptions } from '../alias-handler-options';
import { acknowledgeInherentFindings } from './nag-acknowledgements';

/** What distinguishes one kind of alias provider from the other. */
export interface AliasProviderKind {
  /**
   * Construct id of the provider under the stack. Never change it: the framework function's ARN is the
   * custom resources' ServiceToken, and CloudFormation refuses to modify a ServiceToken.
   */
  readonly id: string;
  /** Folder under assets/ that holds the bundled handler. */
  readonly handlerAsset: string;
  /** The construct class name, for messages. */
  readonly constructName: string;
  readonly description: string;
}

/**
 * The handler function and custom-resources Provider for one kind of alias, one per stack however many
 * constructs use it. Each construct adds the permissions it needs for its own resources.
 */
export class AliasProvider extends Construct {
  /** The stack's provider of this kind, created with `options` by the first construct that asks. */
  public static of(requester: Construct, kind: AliasProviderKind, options: AliasHandlerOptions): AliasProvider {
    const stack = Stack.of(requester);
    const existing = stack.node.tryFindChild(kind.id) as AliasProvider | undefined;
    if (!existing) {
      return new AliasProvider(stack, kind, options, requester);
    }
    const settings = describeSettings(options);
    if (settings !== existing.settings) {
      throw new Error(
        `${kind.constructName} '${requester.node.path}' sets handler settings ${settings}, but ` +
        `'${existing.firstRequester}' in the same stack set ${existing.settings}. All ${kind.constructName} ` +
        'constructs in a stack share one handler function: give them the same vpc, vpcSubnets, securityGroups, ' +
        'logGroup, logRetention and architecture.',
      );
    }
    return existing;
  }

  /** The custom resources' ServiceToken. */
  public readonly serviceToken: string;
  /** The onEvent function that calls the service. */
  public readonly handler: lambda.Function;
  private readonly settings: string;
  private readonly firstRequester: string;
  private readonly grantKeys = new Set<string>();

  private constructor(stack: Stack, kind: AliasProviderKind, options: AliasHandlerOptions, requester: Construct) {
    super(stack, kind.id);
    if (options.logGroup && options.logRetention) {
      throw new Error(`${kind.constructName} '${requester.node.path}': give either logGroup or logRetention, not both`);
    }
    this.settings = describeSettings(options);
    this.firstRequester = requester.node.path;
    const network = { vpc: options.vpc, vpcSubnets: options.vpcSubnets, securityGroups: options.securityGroups };

    this.handler = new lambda.Function(this, 'Handler', {
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', kind.handlerAsset)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: options.architecture,
      description: kind.description,
      // Below the framework function's 15 minutes, so a timeout here still reaches CloudFormation as FAILED;
      // the handler's own waits end 20 s before this with a message saying what they waited for.
      timeout: Duration.minutes(10),
      memorySize: 256,
      ...network,
      logGroup: logGroupOf(this, 'HandlerLogs', options),
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      ...network,
      logGroup: logGroupOf(this, 'ProviderLogs', options),
    });
    acknowledgeInherentFindings(this.handler, provider);
    this.serviceToken = provider.serviceToken;
  }

  /**
   * Adds statements to the handler's policy, once per `key` however many constructs ask: building them is
   * deferred, so the constructs after the first pay nothing for the grants they share.
   */
  public grantOnce(key: string, statements: () => iam.PolicyStatementProps[]): void {
    if (!this.grantKeys.has(key)) {
      this.grantKeys.add(key);
      statements().forEach((statement) => this.handler.addToRolePolicy(new iam.PolicyStatement(statement)));
    }
  }

  /**
   * A custom resource served by this provider. Its permissions exist before its Create and still exist during
   * its Delete without a DependsOn of its own: its ServiceToken refers to the framework function, whose
   * environment refers to the handler, which depends on its role and policy. CloudFormation orders (and, on
   * delete, reverses) along that chain, and each construct saves the DependsOn's template bytes.
   */
  public newResource(scope: Construct, resourceType: string, properties: object, removalPolicy: RemovalPolicy): CustomResource {
    return new CustomResource(scope, 'Resource', {
      serviceToken: this.serviceToken,
      resourceType,
      properties: properties as Record<string, unknown>,
      removalPolicy,
      serviceTimeout: SERVICE_TIMEOUT,
    });
  }
}

/**
 * How long CloudFormation waits for a custom resource's answer before failing it (its default is one hour).
 * The longest honest path through the framework and handler:
 * - one attempt: the framework function invokes the handler synchronously and waits for it; the handler's
 *   10-minute Lambda timeout bounds that wait (its own waits end 20 s earlier and report FAILED), so the
 *   framework function (15-minute timeout) answers within about 10 minutes plus cold starts;
 * - if the framework function itself crashes or is killed before answering, Lambda retries the asynchronous
 *   invocation from CloudFormation about 1 minute later, and that second attempt again takes at most about
 *   10 minutes: 10 + 1 + 10 = 21 minutes;
 * - 4 minutes on top cover cold starts, the framework's own retries of a throttled invoke and Lambda's queueing.
 * A third attempt (Lambda's second retry, 2 minutes after the first) would start past 23 minutes and could not
 * finish honestly before this anyway; an answer lost for good now fails the resource after 25 minutes, not 60.
 */
const SERVICE_TIMEOUT = Duration.minutes(25);

/**
 * The log group of one of the provider's functions. With `logRetention`, a real log group with that
 * retention (not aws-cdk-lib's deprecated Function option, which adds a Custom::LogRetention function per
 * stack and prints a deprecation warning at every synth); it goes with the stack, as the functions do.
 * Otherwise the user's `logGroup`, or undefined for Lambda's default group.
 */
function logGroupOf(scope: Construct, id: string, options: AliasHandlerOptions): logs.ILogGroup | undefined {
  if (options.logRetention === undefined) {
    return options.logGroup;
  }
  return new logs.LogGroup(scope, id, { retention: options.logRetention, removalPolicy: RemovalPolicy.DESTROY });
}

/** A comparable description of the settings; constructs are named by path, since two objects may be the same VPC. */
function describeSettings(options: AliasHandlerOptions): string {
  const subnets = options.vpcSubnets && {
    ...options.vpcSubnets,
    subnets: options.vpcSubnets.subnets?.map((subnet) => subnet.node.path),
    subnetFilters: options.vpcSubnets.subnetFilters?.length,
  };
  return JSON.stringify({
    vpc: options.vpc?.node.path,
    vpcSubnets: subnets,
    securityGroups: options.securityGroups?.map((group) => group.node.path),
    logGroup: options.logGroup?.node.path,
    logRetention: options.logRetention,
    architecture: options.architecture?.name,
  });
}
