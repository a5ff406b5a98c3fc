import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';

/*
 * Acknowledgements of the cdk-nag AwsSolutions findings that are inherent to a custom-resource provider, so a
 * consumer who runs cdk-nag 3 sees only findings about their own resources. cdk-nag is not a dependency:
 * cdk-nag 3 reads acknowledgements from construct metadata of type `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`
 * (`{ [findingId]: reason }`) on a resource and on each of its ancestors, and this file writes such metadata.
 *
 * Two details decide the shape of this code:
 * - cdk-nag 3 matches finding ids exactly, no patterns: `AwsSolutions-IAM5[Resource::<resource>]`, with the
 *   resource flattened as cdk-nag flattens it (`arn:<AWS::Partition>:…`, `<LogicalId.Arn>:*`). Most of these ids
 *   contain several `::`, which `Validations.of(x).acknowledge()` rejects; hence the metadata is written directly.
 * - The handler's policy is complete only once every construct of the stack has added its statements (each
 *   EmailAddressAlias adds its own instance), after this runs. So the ids are computed when the metadata is read
 *   (by cdk-nag, or when the cloud assembly is written), from the policies as they are then, the same way cdk-nag
 *   computes its findings. Only findings whose statements consist solely of the actions listed below are
 *   acknowledged; anything else, including any statement added in future, still shows up.
 */

const LAMBDA_BASIC_EXECUTION =
  'The AWS managed policy AWSLambdaBasicExecutionRole only lets the function write its own logs to CloudWatch ' +
  'Logs (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents); aws-cdk-lib attaches it to every Lambda ' +
  'function role it creates, and a customer managed copy would grant exactly the same.';

const LAMBDA_VPC_ACCESS =
  'The AWS managed policy AWSLambdaVPCAccessExecutionRole is what Lambda needs to manage the network interfaces ' +
  'of a function placed in a VPC (the vpc setting); its ec2:*NetworkInterface actions only support "*".';

/** Wildcard resources of the handler's policy that are inherent, with the only actions that may use them. */
interface InherentWildcard {
  readonly matches: (resource: string) => boolean;
  readonly actions: readonly string[];
  readonly reason: string;
}

/** The resource has exactly one wildcard, at its end, after `suffix` (e.g. `:connectionalias/*`). */
const endsWithOnlyWildcard = (suffix: string) => (resource: string) =>
  resource.endsWith(suffix) && resource.indexOf('*') === resource.length - 1;

const HANDLER_WILDCARDS: readonly InherentWildcard[] = [
  {
    matches: (resource) => resource === '*',
    actions: [
      'workspaces:CreateConnectionAlias',
      'workspaces:CreateTags',
      'workspaces:DeleteTags',
      'workspaces:DescribeConnectionAliases',
      'workspaces:DescribeTags',
    ],
    reason:
      'Per the Service Authorization Reference, WorkSpaces CreateConnectionAlias, CreateTags, DeleteTags, ' +
      'DescribeConnectionAliases and DescribeTags take no resource ARN, so they can only be granted on "*". ' +
      'CreateConnectionAlias and CreateTags are allowed only in requests that tag the alias with this stack\'s ' +
      'name (aws:RequestTag/cdk-aliases:stack condition), and DeleteTags cannot remove the owner or stack tag.',
  },
  {
    matches: endsWithOnlyWildcard(':connectionalias/*'),
    actions: [
      'workspaces:AssociateConnectionAlias',
      'workspaces:DeleteConnectionAlias',
      'workspaces:DescribeConnectionAliasPermissions',
      'workspaces:DisassociateConnectionAlias',
      'workspaces:UpdateConnectionAliasPermission',
    ],
    reason:
      'Connection alias ids (wsca-...) are assigned by WorkSpaces when the handler creates the alias, so no ' +
      'policy written at synth can name them; the wildcard covers connection aliases of this account and Region ' +
      'only, and every action on it is further limited to aliases whose cdk-aliases:stack tag names this stack ' +
      '(aws:ResourceTag condition); the directories of AssociateConnectionAlias are named one by one.',
  },
  {
    matches: endsWithOnlyWildcard('/email-address/*'),
    actions: ['connect:AssociateEmailAddressAlias', 'connect:DescribeEmailAddress', 'connect:TagResource'],
    reason:
      'Scoped to the email addresses of the one Amazon Connect instance the construct names. The addresses are ' +
      'not listed one by one because addresses given as email addresses are resolved to ids only at deploy time, ' +
      'and an update or a rollback looks at the previous addresses too. TagResource may set only the ' +
      'cdk-aliases: ownership keys, with this stack\'s name (aws:RequestTag and aws:TagKeys conditions).',
  },
  {
    matches: (resource) => resource.endsWith(':instance/*/email-address/*') && resource.split('*').length === 3,
    actions: ['connect:AssociateEmailAddressAlias', 'connect:DescribeEmailAddress', 'connect:DisassociateEmailAddressAlias', 'connect:UntagResource'],
    reason:
      'Only email addresses that carry this stack\'s ownership mark (aws:ResourceTag/cdk-aliases:stack equal to ' +
      'the stack name), in any instance of this account and Region: after an instanceId change CloudFormation ' +
      'updates the policy before the custom resource, and the pair in the previous instance must still be released ' +
      '(or, in a rollback, associated again).',
  },
];

const FRAMEWORK_INVOKE =
  'The aws-cdk-lib custom-resources Provider framework grants its function lambda:InvokeFunction on the ' +
  'library\'s handler function and on its qualified ARNs ("<function ARN>:*", versions and aliases); the only ' +
  'function named is this provider\'s own handler.';

const FRAMEWORK_RUNTIME =
  'The runtime of the Provider framework\'s own function is chosen by aws-cdk-lib (cr.Provider has no runtime ' +
  'setting; it takes the Region\'s LATEST_NODE_RUNTIME fact, a supported Node.js version) and moves when ' +
  'aws-cdk-lib is upgraded. The library\'s handler function runs on the newest Node.js runtime.';

/**
 * Acknowledges the inherent findings on the library's handler function and on the functions that the
 * custom-resources Provider `framework` creates for it.
 */
export function acknowledgeInherentFindings(handler: lambda.Function, framework: Construct): void {
  acknowledgeLazily(handler, () => ({
    ...managedPolicyFindings(handler),
    ...wildcardFindings(handler, (resource, actions) => {
      const inherent = HANDLER_WILDCARDS.find((w) => w.matches(resource) && actions.every((a) => w.actions.includes(a)));
      return inherent?.reason;
    }),
  }));

  const frameworkFunctions = framework.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
  for (const fn of frameworkFunctions) {
    acknowledgeLazily(fn, () => {
      const invokable = `${flatten(Stack.of(handler).resolve(handler.functionArn))}:*`;
      return {
        'AwsSolutions-L1': FRAMEWORK_RUNTIME,
        ...managedPolicyFindings(fn),
        ...wildcardFindings(fn, (resource, actions) =>
          resource === invokable && actions.every((a) => a === 'lambda:InvokeFunction') ? FRAMEWORK_INVOKE : undefined),
      };
    });
  }
}

/**
 * Adds acknowledgement metadata to `scope` whose finding ids are computed by `compute` each time they are read.
 * Ids that someone else writes into the object (`Validations.acknowledge()` updates the last entry in place)
 * are kept as well.
 */
function acknowledgeLazily(scope: IConstruct, compute: () => Record<string, string>): void {
  const written: Record<string, string> = {};
  const all = () => ({ ...compute(), ...written });
  const data = new Proxy(written, {
    ownKeys: () => Object.keys(all()),
    has: (_target, key) => typeof key === 'string' && key in all(),
    get: (_target, key) => (typeof key === 'string' ? all()[key] : undefined),
    getOwnPropertyDescriptor: (_target, key) => {
      const value = typeof key === 'string' ? all()[key] : undefined;
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
  });
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, data);
}

/** IAM4 findings for the Lambda execution policies aws-cdk-lib attaches to the function's role. */
function managedPolicyFindings(fn: lambda.Function): Record<string, string> {
  const findings: Record<string, string> = {};
  const role = fn.role?.node.defaultChild;
  if (!(role instanceof iam.CfnRole)) {
    return findings;
  }
  const arns: unknown[] = Stack.of(role).resolve(role.managedPolicyArns) ?? [];
  for (const arn of arns.map((a) => flatten(Stack.of(role).resolve(a)))) {
    const reason = arn.endsWith(':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole') ? LAMBDA_BASIC_EXECUTION
      : arn.endsWith(':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole') ? LAMBDA_VPC_ACCESS
        : undefined;
    if (reason) {
      findings[`AwsSolutions-IAM4[Policy::${arn}]`] = reason;
    }
  }
  return findings;
}

/**
 * IAM5 findings on wildcard resources of the policies attached to the function's role, for which `reasonFor`
 * gives a reason, given every action that the policies allow on that resource.
 */
function wildcardFindings(
  fn: lambda.Function,
  reasonFor: (resource: string, actions: string[]) => string | undefined,
): Record<string, string> {
  const actionsByResource = new Map<string, Set<string>>();
  const policies = fn.role?.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy) ?? [];
  for (const policy of policies) {
    const document = Stack.of(policy).resolve(policy.policyDocument);
    for (const statement of document?.Statement ?? []) {
      if (statement.Effect !== 'Allow') {
        continue;
      }
      for (const resource of asArray(statement.Resource).map(flatten).filter((r) => r.includes('*'))) {
        const actions = actionsByResource.get(resource) ?? new Set<string>();
        asArray(statement.Action).forEach((action) => actions.add(String(action)));
        actionsByResource.set(resource, actions);
      }
    }
  }
  const findings: Record<string, string> = {};
  for (const [resource, actions] of actionsByResource) {
    const reason = reasonFor(resource, [...actions]);
    if (reason) {
      findings[`AwsSolutions-IAM5[Resource::${resource}]`] = reason;
    }
  }
  return findings;
}

function asArray(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * A resolved CloudFormation value as a flat string, exactly as cdk-nag 3 writes it into finding ids
 * (its `flattenCfnReference`): `${X}` becomes `<X>`, Fn::Join is joined, GetAtt becomes `<Id.Attr>`, Ref `<Id>`.
 */
function flatten(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const node = value as {
    'Fn::Join'?: [string, unknown[]];
    'Fn::Sub'?: unknown;
    'Fn::GetAtt'?: [unknown, unknown];
    'Fn::ImportValue'?: unknown;
    Ref?: unknown;
  };
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
