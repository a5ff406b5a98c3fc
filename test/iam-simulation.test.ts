// The handlers' synthesized IAM policies, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate,
// which reads the Service Authorization Reference's resource types and condition keys) against each request
// the handlers send in the lifecycle scenarios (create, update, delete, rollback of both constructs): every
// one must be allowed. The same actions on resources this stack does not own must be denied. IAM authorises an
// action that names two resources (AssociateConnectionAlias: the alias and the directory) once per resource,
// so each is a request of its own here.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as connect from 'aws-cdk-lib/aws-connect';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const OWNER_TAG = 'cdk-aliases:owner';
const STACK_TAG = 'cdk-aliases:stack';
const PREVIOUS_OWNER_TAG = 'cdk-aliases:previous-owner';
const STACK_NAME = 'Lifecycle';
const INSTANCE = '11111111-2222-3333-4444-555555555555';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}`;
const OTHER_INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/99999999-2222-3333-4444-555555555555`;
const OWNED_ALIAS = `arn:aws:workspaces:${REGION}:${ACCOUNT}:connectionalias/wsca-owned1234`;
const FOREIGN_ALIAS = `arn:aws:workspaces:${REGION}:${ACCOUNT}:connectionalias/wsca-foreign123`;
const DIRECTORY = `arn:aws:workspaces:${REGION}:${ACCOUNT}:directory/d-1234567890`;
const OTHER_DIRECTORY = `arn:aws:workspaces:${REGION}:${ACCOUNT}:directory/d-9999999999`;

/** One authorisation IAM makes for a handler's API call. */
interface Request {
  readonly action: string;
  /** The resource ARN, or '*' for actions that take no resource. */
  readonly resource: string;
  /** Tags the resource carries (aws:ResourceTag/…). */
  readonly resourceTags?: Record<string, string>;
  /** Tags the request carries (aws:RequestTag/…, and their keys as aws:TagKeys). */
  readonly requestTags?: Record<string, string>;
  /** Tag keys a DeleteTags request names (aws:TagKeys). */
  readonly tagKeys?: string[];
}

const owned = { [OWNER_TAG]: 'owner-hash', [STACK_TAG]: STACK_NAME, team: 'euc' };
const ownerAndTags = { [OWNER_TAG]: 'owner-hash', [STACK_TAG]: STACK_NAME, team: 'euc', CostCenter: '42' };
const otherStacks = { [OWNER_TAG]: 'other-hash', [STACK_TAG]: 'OtherStack', team: 'other' };

/** What the ConnectionAlias handler sends through create (with directory, share, tags), update and delete. */
const CONNECTION_ALIAS_CALLS: Request[] = [
  // Create: look for an alias of this owner (redelivery), create it with the owner tag, configure it.
  { action: 'workspaces:DescribeConnectionAliases', resource: '*' },
  { action: 'workspaces:DescribeTags', resource: '*' },
  { action: 'workspaces:CreateConnectionAlias', resource: '*', requestTags: ownerAndTags },
  { action: 'workspaces:AssociateConnectionAlias', resource: OWNED_ALIAS, resourceTags: owned },
  { action: 'workspaces:AssociateConnectionAlias', resource: DIRECTORY },
  { action: 'workspaces:DescribeConnectionAliasPermissions', resource: OWNED_ALIAS, resourceTags: owned },
  { action: 'workspaces:UpdateConnectionAliasPermission', resource: OWNED_ALIAS, resourceTags: owned },
  // Update: tags changed in place (the stack tag rides along with CreateTags), the association moved.
  { action: 'workspaces:CreateTags', resource: '*', requestTags: { team: 'desktops', [STACK_TAG]: STACK_NAME } },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: ['CostCenter'] },
  // Rename: the new resource takes the alias over; the old one's cleanup Delete confirms (or a rollback hands back).
  { action: 'workspaces:CreateTags', resource: '*', requestTags: { [OWNER_TAG]: 'new-hash', [STACK_TAG]: STACK_NAME, [PREVIOUS_OWNER_TAG]: 'owner-hash' } },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: [PREVIOUS_OWNER_TAG] },
  { action: 'workspaces:DisassociateConnectionAlias', resource: OWNED_ALIAS, resourceTags: owned },
  // Delete: unshare, disassociate, delete.
  { action: 'workspaces:DeleteConnectionAlias', resource: OWNED_ALIAS, resourceTags: owned },
];

/** What no ConnectionAlias handler may do: touch aliases it did not create, other directories, the owner tag. */
const CONNECTION_ALIAS_FOREIGN: Request[] = [
  { action: 'workspaces:AssociateConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: { team: 'other' } },
  // Another stack's aliases, and one marked only by the first library version (no stack tag), stay out of reach.
  { action: 'workspaces:AssociateConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: otherStacks },
  { action: 'workspaces:DisassociateConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: otherStacks },
  { action: 'workspaces:UpdateConnectionAliasPermission', resource: FOREIGN_ALIAS, resourceTags: otherStacks },
  { action: 'workspaces:DescribeConnectionAliasPermissions', resource: FOREIGN_ALIAS, resourceTags: otherStacks },
  { action: 'workspaces:DeleteConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: otherStacks },
  { action: 'workspaces:DeleteConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: { [OWNER_TAG]: 'legacy-hash' } },
  { action: 'workspaces:CreateConnectionAlias', resource: '*', requestTags: { [OWNER_TAG]: 'owner-hash', [STACK_TAG]: 'OtherStack' } },
  { action: 'workspaces:CreateTags', resource: '*', requestTags: { [OWNER_TAG]: 'owner-hash' } },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: [STACK_TAG] },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: [PREVIOUS_OWNER_TAG, OWNER_TAG] },
  { action: 'workspaces:AssociateConnectionAlias', resource: FOREIGN_ALIAS },
  { action: 'workspaces:AssociateConnectionAlias', resource: OTHER_DIRECTORY },
  { action: 'workspaces:DisassociateConnectionAlias', resource: FOREIGN_ALIAS },
  { action: 'workspaces:DescribeConnectionAliasPermissions', resource: FOREIGN_ALIAS },
  { action: 'workspaces:UpdateConnectionAliasPermission', resource: FOREIGN_ALIAS },
  { action: 'workspaces:DeleteConnectionAlias', resource: FOREIGN_ALIAS, resourceTags: { team: 'other' } },
  { action: 'workspaces:CreateConnectionAlias', resource: '*', requestTags: { team: 'euc' } },
  { action: 'workspaces:CreateTags', resource: '*', requestTags: { team: 'euc' } },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: [OWNER_TAG] },
  { action: 'workspaces:DeleteTags', resource: '*', tagKeys: ['team', OWNER_TAG] },
  { action: 'workspaces:DeleteConnectionAlias', resource: `arn:aws:workspaces:us-west-2:${ACCOUNT}:connectionalias/wsca-owned1234`, resourceTags: owned },
];

const address = (instanceArn: string, id: string) => `${instanceArn}/email-address/${id}`;

const STACK_MARK = 'cdk-aliases:stack';
const ownMarks = { 'cdk-aliases:owner': 'owner-hash', [STACK_MARK]: 'Lifecycle', 'cdk-aliases:pair': 'primary/alias' };
const foreignMarks = { ...ownMarks, [STACK_MARK]: 'OtherStack' };

/**
 * What the EmailAddressAlias handler sends: by id and by address, create (look, mark, associate), update
 * (move), rollback, delete (release the marks), and the cleanup of a pair in an instance the stack moved away from.
 */
const EMAIL_ADDRESS_ALIAS_CALLS: Request[] = [
  { action: 'connect:SearchEmailAddresses', resource: INSTANCE_ARN },
  ...['primary', 'alias', 'old-alias', 'cfn-primary', 'cfn-alias'].flatMap((id) => [
    { action: 'connect:DescribeEmailAddress', resource: address(INSTANCE_ARN, id) },
    { action: 'connect:TagResource', resource: address(INSTANCE_ARN, id), requestTags: ownMarks },
    { action: 'connect:TagResource', resource: address(INSTANCE_ARN, id), resourceTags: ownMarks, requestTags: { 'cdk-aliases:owner': 'previous-hash', [STACK_MARK]: 'Lifecycle' } },
    { action: 'connect:AssociateEmailAddressAlias', resource: address(INSTANCE_ARN, id), resourceTags: ownMarks },
    { action: 'connect:DisassociateEmailAddressAlias', resource: address(INSTANCE_ARN, id), resourceTags: ownMarks },
    { action: 'connect:UntagResource', resource: address(INSTANCE_ARN, id), resourceTags: ownMarks, tagKeys: ['cdk-aliases:previous-owner'] },
  ]),
  // After instanceId changed: the old instance's marked pair is still read, disassociated and unmarked.
  { action: 'connect:DescribeEmailAddress', resource: address(OTHER_INSTANCE_ARN, 'primary'), resourceTags: ownMarks },
  { action: 'connect:DisassociateEmailAddressAlias', resource: address(OTHER_INSTANCE_ARN, 'primary'), resourceTags: ownMarks },
  // A rollback of that move associates the old pair again, still marked.
  { action: 'connect:AssociateEmailAddressAlias', resource: address(OTHER_INSTANCE_ARN, 'primary'), resourceTags: ownMarks },
  { action: 'connect:UntagResource', resource: address(OTHER_INSTANCE_ARN, 'alias'), resourceTags: ownMarks, tagKeys: Object.keys(ownMarks) },
];

/** Another instance's unmarked addresses, another stack's marks, searches elsewhere and user tags stay out of reach. */
const EMAIL_ADDRESS_ALIAS_FOREIGN: Request[] = [
  { action: 'connect:SearchEmailAddresses', resource: OTHER_INSTANCE_ARN },
  { action: 'connect:DescribeEmailAddress', resource: address(OTHER_INSTANCE_ARN, 'primary') },
  { action: 'connect:DescribeEmailAddress', resource: address(OTHER_INSTANCE_ARN, 'primary'), resourceTags: foreignMarks },
  { action: 'connect:AssociateEmailAddressAlias', resource: address(OTHER_INSTANCE_ARN, 'primary') },
  { action: 'connect:AssociateEmailAddressAlias', resource: address(OTHER_INSTANCE_ARN, 'primary'), resourceTags: foreignMarks },
  { action: 'connect:DisassociateEmailAddressAlias', resource: address(OTHER_INSTANCE_ARN, 'alias') },
  { action: 'connect:DisassociateEmailAddressAlias', resource: address(INSTANCE_ARN, 'alias') },
  { action: 'connect:DisassociateEmailAddressAlias', resource: address(INSTANCE_ARN, 'alias'), resourceTags: foreignMarks },
  { action: 'connect:UntagResource', resource: address(INSTANCE_ARN, 'alias'), resourceTags: foreignMarks, tagKeys: ['cdk-aliases:owner'] },
  { action: 'connect:UntagResource', resource: address(INSTANCE_ARN, 'alias'), tagKeys: ['team'] },
  { action: 'connect:TagResource', resource: address(INSTANCE_ARN, 'alias'), requestTags: foreignMarks },
  { action: 'connect:TagResource', resource: address(INSTANCE_ARN, 'alias'), requestTags: { ...ownMarks, team: 'euc' } },
  { action: 'connect:TagResource', resource: address(OTHER_INSTANCE_ARN, 'alias'), requestTags: ownMarks },
  { action: 'connect:AssociateEmailAddressAlias', resource: address(`arn:aws:connect:${REGION}:222222222222:instance/${INSTANCE}`, 'primary') },
];

/** Both constructs as the lifecycle scenarios use them: by id, by address, between CfnEmailAddress. */
function lifecycleStack(): Stack {
  const stack = new Stack(new App(), 'Lifecycle', { env: { account: ACCOUNT, region: REGION }, tags: { CostCenter: '42' } });
  const alias = new ConnectionAlias(stack, 'Desktop', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890', sharedAccountId: '222222222222' });
  Tags.of(alias).add('team', 'euc');
  new EmailAddressAlias(stack, 'ById', { instanceId: INSTANCE, emailAddressId: 'primary', aliasEmailAddressId: 'alias' });
  new EmailAddressAlias(stack, 'ByAddress', { instanceId: INSTANCE_ARN, emailAddress: 'sales@example.my.connect.aws', aliasEmailAddress: 'deals@example.my.connect.aws' });
  const primary = new connect.CfnEmailAddress(stack, 'Primary', { instanceArn: INSTANCE_ARN, emailAddress: 'support@example.my.connect.aws' });
  const help = new connect.CfnEmailAddress(stack, 'Help', { instanceArn: INSTANCE_ARN, emailAddress: 'help@example.my.connect.aws' });
  EmailAddressAlias.between(stack, 'Between', { primary, alias: help });
  return stack;
}

/** A synthesized value with the pseudo parameters of the stack's environment filled in. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(resolve);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const node = value as Record<string, any>;
  if (node.Ref !== undefined) {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::StackName': STACK_NAME };
    if (!(node.Ref in pseudo)) {
      throw new Error(`unexpected Ref ${node.Ref} in a handler policy`);
    }
    return pseudo[node.Ref];
  }
  if (node['Fn::Join'] !== undefined) {
    const [delimiter, parts] = node['Fn::Join'];
    return (resolve(parts) as string[]).join(delimiter);
  }
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, resolve(item)]));
}

/** The identity policies of the handler role whose logical id contains `handler`. */
function handlerPolicies(template: Template, handler: string) {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.includes(handler));
  expect(policies.length).toBeGreaterThan(0);
  return policies.map(([name, policy]) => ({ name, policy: resolve(policy.Properties.PolicyDocument) }));
}

async function decide(policies: Array<{ name: string; policy: unknown }>, request: Request): Promise<string> {
  const tags = request.requestTags ?? {};
  const contextVariables: Record<string, string | string[]> = {
    ...Object.fromEntries(Object.entries(request.resourceTags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  };
  const tagKeys = request.tagKeys ?? (request.requestTags ? Object.keys(tags) : undefined);
  if (tagKeys) {
    contextVariables['aws:TagKeys'] = tagKeys;
  }
  const result = await runSimulation({
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:role/handler`,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables,
    },
    identityPolicies: policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') {
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}

const describeRequest = (request: Request) => `${request.action} on ${request.resource} ${JSON.stringify({ ...request, action: undefined, resource: undefined })}`;

describe.each([
  ['ConnectionAlias', 'ConnectionAliasProviderHandler', CONNECTION_ALIAS_CALLS, CONNECTION_ALIAS_FOREIGN],
  ['EmailAddressAlias', 'EmailAddressAliasProviderHandler', EMAIL_ADDRESS_ALIAS_CALLS, EMAIL_ADDRESS_ALIAS_FOREIGN],
])('%s handler policy, evaluated', (_name, handler, calls, foreign) => {
  const policies = handlerPolicies(Template.fromStack(lifecycleStack()), handler);

  test.each(calls.map((call) => [describeRequest(call), call] as const))('allows %s', async (_label, call) => {
    expect(await decide(policies, call)).toBe('Allowed');
  });

  test.each(foreign.map((call) => [describeRequest(call), call] as const))('denies %s', async (_label, call) => {
    expect(await decide(policies, call)).toBe('ImplicitlyDenied');
  });
});

test('without the owner condition, Associate on a foreign alias would be allowed: the simulation sees conditions', async () => {
  const policies = handlerPolicies(Template.fromStack(lifecycleStack()), 'ConnectionAliasProviderHandler');
  const unconditioned = policies.map(({ name, policy }) => ({
    name,
    policy: { ...(policy as any), Statement: (policy as any).Statement.map(({ Condition: _c, ...statement }: any) => statement) },
  }));

  expect(await decide(unconditioned, CONNECTION_ALIAS_FOREIGN[0])).toBe('Allowed');
  expect(await decide(policies, CONNECTION_ALIAS_FOREIGN[0])).toBe('ImplicitlyDenied');
});
