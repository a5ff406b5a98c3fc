// A guard on every IAM policy the library synthesizes: it fails if any action or resource is broader than
// what the handlers need. The construct tests pin the exact statements; this test states the
// rules they must keep to, so a new statement cannot widen access unnoticed.
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ConnectionAlias, EmailAddressAlias } from '../lib';
import { ExampleStack } from '../example/example-stack';

/** Actions each handler may have, and those of them that WorkSpaces authorises only on `*`. */
const WORKSPACES_ACTIONS = new Set([
  'workspaces:CreateConnectionAlias', 'workspaces:CreateTags', 'workspaces:DeleteTags', 'workspaces:DescribeConnectionAliases',
  'workspaces:DescribeTags', 'workspaces:DescribeConnectionAliasPermissions', 'workspaces:DeleteConnectionAlias',
  'workspaces:DisassociateConnectionAlias', 'workspaces:UpdateConnectionAliasPermission', 'workspaces:AssociateConnectionAlias',
]);
const ONLY_ON_STAR = new Set(['workspaces:CreateConnectionAlias', 'workspaces:CreateTags', 'workspaces:DeleteTags', 'workspaces:DescribeConnectionAliases', 'workspaces:DescribeTags']);
/** Of those, the ones that change something must be held to the library's marks by a condition. */
const CONDITIONED_ON_STAR = new Set(['workspaces:CreateConnectionAlias', 'workspaces:CreateTags', 'workspaces:DeleteTags']);
const CONNECT_ACTIONS = new Set([
  'connect:AssociateEmailAddressAlias', 'connect:DisassociateEmailAddressAlias', 'connect:DescribeEmailAddress', 'connect:TagResource', 'connect:UntagResource',
]);
/** Connect actions that may reach any instance's addresses, but only those carrying this stack's mark. */
const CONNECT_MARKED_ONLY = new Set(['connect:DisassociateEmailAddressAlias', 'connect:UntagResource']);
/** Looks an address up by its email address; authorised on the instance, not on its addresses. */
const CONNECT_INSTANCE_ACTIONS = new Set(['connect:SearchEmailAddresses']);
/** The Provider framework's own function may only invoke and read our handler. */
const FRAMEWORK_ACTIONS = new Set(['lambda:InvokeFunction', 'lambda:GetFunction']);

function stacks(): Stack[] {
  const app = new App();
  const tokens = new Stack(app, 'Tokens');
  new ConnectionAlias(tokens, 'Alias', { connectionString: 'a.example.com', directoryId: new CfnParameter(tokens, 'Dir').valueAsString });
  new EmailAddressAlias(tokens, 'Mail', { instanceId: new CfnParameter(tokens, 'Instance').valueAsString, emailAddressId: 'p', aliasEmailAddressId: 'a' });
  new EmailAddressAlias(tokens, 'ByAddress', { instanceId: 'i-1', emailAddress: 'support@example.com', aliasEmailAddress: 'help@example.com' });
  const inVpc = new Stack(app, 'InVpc');
  new ConnectionAlias(inVpc, 'Alias', { connectionString: 'b.example.com', vpc: new ec2.Vpc(inVpc, 'Vpc') });
  return [new ExampleStack(app, 'Example'), tokens, inVpc];
}

/** A resource as text, with the partition, Region and account references made readable. */
function text(resource: unknown): string {
  return JSON.stringify(resource)
    .replace(/\{"Ref":"(?:AWS::)?([A-Za-z0-9]+)"\}/g, '"<$1>"')
    .replace(/\{"Fn::Join":\["",\[(.*?)\]\]\}/g, (_m, parts: string) => parts.replace(/","/g, '').replace(/",|,"/g, ''));
}

describe.each(stacks().map((stack) => [stack.stackName, stack] as const))('%s', (_name, stack) => {
  const template = Template.fromStack(stack);
  const policies = Object.entries(template.findResources('AWS::IAM::Policy'));

  test('no statement grants a wildcard action or a Deny-less NotAction', () => {
    for (const [, policy] of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        expect(statement.NotAction).toBeUndefined();
        expect(statement.NotResource).toBeUndefined();
        for (const action of [statement.Action].flat()) {
          expect(action).not.toMatch(/\*/);
        }
      }
    }
  });

  test('each role holds only the actions of its handler, on the narrowest resources the service allows', () => {
    expect(policies.length).toBeGreaterThan(0);
    for (const [id, policy] of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions: string[] = [statement.Action].flat();
        const resources = [statement.Resource].flat().map(text);
        if (id.includes('ConnectionAliasProviderHandler')) {
          actions.forEach((action) => expect(WORKSPACES_ACTIONS).toContain(action));
          if (resources.includes('"*"')) {
            actions.forEach((action) => expect(ONLY_ON_STAR).toContain(action));
            if (actions.some((action) => CONDITIONED_ON_STAR.has(action))) {
              // Create and CreateTags must tag with this stack's name; DeleteTags may not remove the marks.
              expect(JSON.stringify(statement.Condition)).toMatch(
                /^\{"StringEquals":\{"aws:RequestTag\/cdk-aliases:stack":\{"Ref":"AWS::StackName"\}\}\}$|"aws:TagKeys":\["cdk-aliases:owner","cdk-aliases:stack"\]/,
              );
            }
          } else {
            resources.forEach((resource) => expect(resource).toMatch(/:workspaces:<Region>:<AccountId>:(connectionalias\/\*|directory\/(d-[0-9a-f]+|wsd-[0-9a-z]+|<[A-Za-z0-9]+>))"$/));
            // Any of the account's aliases matches the wildcard: only the stack tag keeps other stacks' out.
            if (resources.some((resource) => resource.endsWith(':connectionalias/*"'))) {
              expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } });
            }
          }
        } else if (id.includes('EmailAddressAliasProviderHandler')) {
          if (actions.some((action) => CONNECT_INSTANCE_ACTIONS.has(action))) {
            actions.forEach((action) => expect(CONNECT_INSTANCE_ACTIONS).toContain(action));
            resources.forEach((resource) => expect(resource).toMatch(/:connect:[^:]+:[^:]+:instance\/[^/]+"$/));
          } else {
            actions.forEach((action) => expect(CONNECT_ACTIONS).toContain(action));
            resources.forEach((resource) => expect(resource).toMatch(/:connect:[^:]+:[^:]+:instance\/[^/]+\/email-address\/\*"$/));
            // Disassociating and unmarking are held to this stack's mark, whatever the instance.
            if (actions.some((action) => CONNECT_MARKED_ONLY.has(action))) {
              expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } });
            }
            // Marks can be set only as this stack's, and only the library's keys.
            if (actions.includes('connect:TagResource')) {
              expect(actions).toEqual(['connect:TagResource']);
              expect(statement.Condition.StringEquals).toEqual({ 'aws:RequestTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } });
              statement.Condition['ForAllValues:StringEquals']['aws:TagKeys'].forEach((key: string) => expect(key).toMatch(/^cdk-aliases:/));
            }
          }
        } else if (id.includes('Provider') && id.includes('framework')) {
          actions.forEach((action) => expect(FRAMEWORK_ACTIONS).toContain(action));
          resources.forEach((resource) => expect(resource).toMatch(/ProviderHandler[0-9A-F]+/));
        } else if (!id.startsWith('Vpc') && !id.includes('Vpc')) {
          throw new Error(`Unexpected policy ${id}: ${JSON.stringify(policy.Properties.PolicyDocument)}`);
        }
      }
    }
  });

  test('roles carry no managed policy beyond Lambda basic (and VPC) execution', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      for (const arn of role.Properties.ManagedPolicyArns ?? []) {
        expect(text(arn)).toMatch(/:iam::aws:policy\/service-role\/AWSLambda(BasicExecutionRole|VPCAccessExecutionRole)"$/);
      }
    }
  });
});
