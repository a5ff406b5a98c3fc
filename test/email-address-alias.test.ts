import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as connect from 'aws-cdk-lib/aws-connect';
import { ConnectionAlias, EmailAddressAlias } from '../lib';
import { permissionsChain } from './support/permissions-chain';

const ENV = { account: '111111111111', region: 'us-east-1' };
const INSTANCE = '11111111-2222-3333-4444-555555555555';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111111111111:instance/${INSTANCE}`;
let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'Stack', { env: ENV });
});

function handlerPolicyStatements(): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [policy] = Object.entries(policies).filter(([id]) => id.includes('EmailAddressAliasProviderHandler')).map(([, p]) => p);
  return policy.Properties.PolicyDocument.Statement;
}

const MARKED_ADDRESSES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':connect:us-east-1:111111111111:instance/*/email-address/*']] };
/** Addresses this stack marked, in any instance: looked at, disassociated, associated again (a rollback) and unmarked. */
const MARKED = {
  Action: ['connect:DescribeEmailAddress', 'connect:DisassociateEmailAddressAlias', 'connect:AssociateEmailAddressAlias', 'connect:UntagResource'],
  Condition: { StringEquals: { 'aws:ResourceTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } },
  Effect: 'Allow',
  Resource: MARKED_ADDRESSES,
};

/** The statements for the declared instance's addresses: looked at, associated, and marked with this stack's marks only. */
function declared(addresses: unknown): any[] {
  return [
    { Action: ['connect:DescribeEmailAddress', 'connect:AssociateEmailAddressAlias'], Effect: 'Allow', Resource: addresses },
    {
      Action: 'connect:TagResource',
      Condition: {
        'StringEquals': { 'aws:RequestTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['cdk-aliases:owner', 'cdk-aliases:stack', 'cdk-aliases:previous-owner', 'cdk-aliases:pair'] },
      },
      Effect: 'Allow',
      Resource: addresses,
    },
  ];
}

describe('the custom resource', () => {
  test('its handler\'s permissions exist before it and outlive it, through its ServiceToken', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    // CloudFormation orders creation along references and deletes in reverse: no DependsOn of its own needed.
    const { resource, framework, handler } = permissionsChain(stack, 'Custom::ConnectEmailAddressAlias');
    expect(resource.DependsOn).toBeUndefined();
    expect(framework.Properties.Handler).toBe('framework.onEvent');
    expect(handler.Properties.Handler).toBe('index.handler');
    expect(handler.DependsOn).toEqual([expect.stringMatching(/HandlerServiceRoleDefaultPolicy/), expect.stringMatching(/HandlerServiceRole[0-9A-F]{8}$/)]);
  });

  test('carries the ids as given', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'primary-id', aliasEmailAddressId: 'alias-id' });

    Template.fromStack(stack).hasResource('Custom::ConnectEmailAddressAlias', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('EmailAddressAliasProvider'), 'Arn'] },
        InstanceId: INSTANCE,
        EmailAddressId: 'primary-id',
        AliasEmailAddressId: 'alias-id',
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('RETAIN keeps the association', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a', removalPolicy: RemovalPolicy.RETAIN });

    Template.fromStack(stack).hasResource('Custom::ConnectEmailAddressAlias', { DeletionPolicy: 'Retain' });
  });

  test('between() wires CfnEmailAddress resources by ARN', () => {
    const primary = new connect.CfnEmailAddress(stack, 'Primary', { instanceArn: INSTANCE_ARN, emailAddress: 'support@example.com' });
    const alias = new connect.CfnEmailAddress(stack, 'Secondary', { instanceArn: INSTANCE_ARN, emailAddress: 'help@example.com' });

    EmailAddressAlias.between(stack, 'Alias', { primary, alias });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::ConnectEmailAddressAlias', {
      InstanceId: INSTANCE_ARN,
      EmailAddressId: { 'Fn::GetAtt': [stack.getLogicalId(primary), 'EmailAddressArn'] },
      AliasEmailAddressId: { 'Fn::GetAtt': [stack.getLogicalId(alias), 'EmailAddressArn'] },
    });
    expect(handlerPolicyStatements()).toEqual([MARKED, ...declared(`${INSTANCE_ARN}/email-address/*`)]);
  });

  test('an unresolved instanceArn from between() is still named in IAM, and another construct\'s same token is not', () => {
    const instanceArn = new CfnParameter(stack, 'InstanceArn').valueAsString;
    const primary = new connect.CfnEmailAddress(stack, 'Primary', { instanceArn, emailAddress: 'support@example.com' });
    const alias = new connect.CfnEmailAddress(stack, 'Secondary', { instanceArn, emailAddress: 'help@example.com' });
    EmailAddressAlias.between(stack, 'Between', { primary, alias });
    // The same token given as instanceId might be an id: between() must not change how this one is scoped.
    new EmailAddressAlias(stack, 'Direct', { instanceId: instanceArn, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    const resources = handlerPolicyStatements().map((statement) => statement.Resource);
    const fromBetween = { 'Fn::Join': ['', [{ Ref: 'InstanceArn' }, '/email-address/*']] };
    expect(resources).toEqual([MARKED_ADDRESSES, fromBetween, fromBetween, MARKED_ADDRESSES, MARKED_ADDRESSES]);
  });

  test('between() refuses addresses of two different literal instances, naming both', () => {
    const other = 'arn:aws:connect:us-east-1:111111111111:instance/99999999-2222-3333-4444-555555555555';
    const primary = new connect.CfnEmailAddress(stack, 'Primary', { instanceArn: INSTANCE_ARN, emailAddress: 'support@example.com' });
    const alias = new connect.CfnEmailAddress(stack, 'Secondary', { instanceArn: other, emailAddress: 'help@example.com' });

    expect(() => EmailAddressAlias.between(stack, 'Alias', { primary, alias })).toThrow(
      `Stack/Alias: primary and alias must be email addresses of the same Amazon Connect instance (an alias forwards within its instance), but primary.instanceArn is '${INSTANCE_ARN}' and alias.instanceArn is '${other}'`);
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('applyRemovalPolicy(%s) sets DeletionPolicy %s on the custom resource', (policy, expected) => {
    const alias = new EmailAddressAlias(stack, 'Alias', {
      instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a',
      removalPolicy: policy === RemovalPolicy.RETAIN ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    alias.applyRemovalPolicy(policy);

    Template.fromStack(stack).hasResource('Custom::ConnectEmailAddressAlias', { DeletionPolicy: expected, UpdateReplacePolicy: expected });
  });

  test('CloudFormation gives up on a lost answer after 25 minutes, not the default hour', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    Template.fromStack(stack).hasResourceProperties('Custom::ConnectEmailAddressAlias', { ServiceTimeout: '1500' });
  });

  test('a stack shares one handler per kind, and the two kinds never share', () => {
    new EmailAddressAlias(stack, 'A', { instanceId: INSTANCE, emailAddressId: 'p1', aliasEmailAddressId: 'a1' });
    new EmailAddressAlias(stack, 'B', { instanceId: INSTANCE, emailAddressId: 'p2', aliasEmailAddressId: 'a2' });
    new ConnectionAlias(stack, 'C', { connectionString: 'c.example.com' });

    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 4);
  });
});

describe('by address', () => {
  test('the addresses go to the handler as EmailAddress and AliasEmailAddress, with no id members', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddress: 'support@example.my.connect.aws', aliasEmailAddress: 'help@example.my.connect.aws' });

    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::ConnectEmailAddressAlias'));
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '1500',
      InstanceId: INSTANCE,
      EmailAddress: 'support@example.my.connect.aws',
      AliasEmailAddress: 'help@example.my.connect.aws',
    });
  });

  test('an id and an address mix', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'primary-id', aliasEmailAddress: 'help@example.my.connect.aws' });

    Template.fromStack(stack).hasResourceProperties('Custom::ConnectEmailAddressAlias', {
      EmailAddressId: 'primary-id', AliasEmailAddress: 'help@example.my.connect.aws', AliasEmailAddressId: Match.absent(), EmailAddress: Match.absent(),
    });
  });

  test('SearchEmailAddresses is granted on the instance, only when an address is given', () => {
    new EmailAddressAlias(stack, 'ById', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });
    const byIdOnly = new Stack(new App(), 'ByIdOnly', { env: ENV });
    new EmailAddressAlias(byIdOnly, 'ById', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });
    expect(JSON.stringify(Template.fromStack(byIdOnly).toJSON())).not.toContain('SearchEmailAddresses');

    new EmailAddressAlias(stack, 'ByAddress', { instanceId: INSTANCE, emailAddressId: 'q', aliasEmailAddress: 'help@example.my.connect.aws' });
    new EmailAddressAlias(stack, 'ByArn', { instanceId: INSTANCE_ARN, emailAddress: 'sales@example.my.connect.aws', aliasEmailAddressId: 'b' });
    new EmailAddressAlias(stack, 'ByToken', { instanceId: new CfnParameter(stack, 'Instance').valueAsString, emailAddress: 'x@example.my.connect.aws', aliasEmailAddressId: 'c' });

    const searches = handlerPolicyStatements().filter((statement) => statement.Action === 'connect:SearchEmailAddresses');
    expect(searches).toEqual([
      { Action: 'connect:SearchEmailAddresses', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:connect:us-east-1:111111111111:instance/${INSTANCE}`]] } },
      { Action: 'connect:SearchEmailAddresses', Effect: 'Allow', Resource: INSTANCE_ARN },
      { Action: 'connect:SearchEmailAddresses', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':connect:us-east-1:111111111111:instance/*']] } },
    ]);
  });

  test.each([
    [{ instanceId: INSTANCE, aliasEmailAddressId: 'a' }, /Stack\/Alias: give exactly one of emailAddressId \(an email address id or ARN\) and emailAddress \(an email address\), got neither/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', emailAddress: 'p@example.com', aliasEmailAddressId: 'a' }, /give exactly one of emailAddressId .* and emailAddress .*, not both/],
    [{ instanceId: INSTANCE, emailAddressId: 'p' }, /give exactly one of aliasEmailAddressId .* and aliasEmailAddress .*, got neither/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a', aliasEmailAddress: 'a@example.com' }, /give exactly one of aliasEmailAddressId .* and aliasEmailAddress .*, not both/],
    [{ instanceId: INSTANCE, emailAddress: 'support', aliasEmailAddressId: 'a' }, /emailAddress must be an email address such as 'support@example.my.connect.aws' .*, got 'support'/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddress: 'help @example.com' }, /aliasEmailAddress must be an email address/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddress: `${'h'.repeat(250)}@example.com` }, /aliasEmailAddress must be an email address .*at most 255 characters/],
    [{ instanceId: INSTANCE, emailAddressId: 'support@example.com', aliasEmailAddressId: 'a' }, /emailAddressId takes an email address id or ARN, but 'support@example.com' is an email address: give it as emailAddress instead/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'help@example.com' }, /aliasEmailAddressId takes .*: give it as aliasEmailAddress instead/],
    [{ instanceId: INSTANCE, emailAddress: 'Support@Example.com', aliasEmailAddress: 'support@example.com' }, /aliasEmailAddress must differ from emailAddress; an address cannot be its own alias/],
  ])('%j fails with %s', (props, message) => {
    expect(() => new EmailAddressAlias(stack, 'Alias', props)).toThrow(message);
  });

  test('tokens given as addresses are never rejected', () => {
    const token = (name: string) => new CfnParameter(stack, name).valueAsString;
    expect(() => new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddress: token('P'), aliasEmailAddress: token('A') })).not.toThrow();
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test.each([
    ['a primary with two aliases', { emailAddress: 'Support@example.com', aliasEmailAddressId: 'b' },
      /'Stack\/Second' and 'Stack\/First' give the same primary address two aliases \(emailAddress 'Support@example.com' and emailAddress 'support@example.com'\)/],
    ['an alias used twice', { emailAddressId: 'q', aliasEmailAddress: 'HELP@example.com' },
      /'Stack\/Second' and 'Stack\/First' use the same alias address twice \(aliasEmailAddress 'HELP@example.com' and aliasEmailAddress 'help@example.com'\)/],
    ['a chain through the alias', { emailAddressId: 'q', aliasEmailAddress: 'support@example.com' },
      /'Stack\/Second' uses as its alias \(aliasEmailAddress 'support@example.com'\) the primary address of 'Stack\/First' \(emailAddress 'support@example.com'\)/],
    ['a chain through the primary', { emailAddress: 'help@example.com', aliasEmailAddressId: 'b' },
      /'Stack\/Second' gives an alias to \(emailAddress 'help@example.com'\) the alias address of 'Stack\/First' \(aliasEmailAddress 'help@example.com'\)/],
  ])('the stack-wide rules compare addresses too: %s', (_name, second, message) => {
    new EmailAddressAlias(stack, 'First', { instanceId: INSTANCE, emailAddress: 'support@example.com', aliasEmailAddress: 'help@example.com' });
    new EmailAddressAlias(stack, 'Second', { instanceId: INSTANCE, ...second });

    expect(() => Template.fromStack(stack)).toThrow(message);
  });
});

describe('IAM', () => {
  test('Describe, Associate and tagging with its own marks on the instance\'s addresses; the rest only on addresses this stack marked', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    expect(handlerPolicyStatements()).toEqual([
      MARKED,
      ...declared({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:connect:us-east-1:111111111111:instance/${INSTANCE}/email-address/*`]] }),
    ]);
  });

  test('SearchEmailAddresses on the instance only when an address is given as an email address', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE_ARN, emailAddress: 'support@example.com', aliasEmailAddressId: 'a' });

    expect(handlerPolicyStatements()).toContainEqual({ Action: 'connect:SearchEmailAddresses', Effect: 'Allow', Resource: INSTANCE_ARN });
  });

  test('an instance given as an ARN is used as is', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE_ARN, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    expect(handlerPolicyStatements()).toEqual([MARKED, ...declared(`${INSTANCE_ARN}/email-address/*`)]);
  });

  test('an unresolved instance falls back to the account and Region, never to *', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: new CfnParameter(stack, 'Instance').valueAsString, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    const [, statement] = handlerPolicyStatements();
    expect(statement.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':connect:us-east-1:111111111111:instance/*/email-address/*']] });
  });
});

describe('validation at synth', () => {
  test.each([
    [{ instanceId: '', emailAddressId: 'p', aliasEmailAddressId: 'a' }, /instanceId must be 1-100 characters/],
    [{ instanceId: 'i'.repeat(101), emailAddressId: 'p', aliasEmailAddressId: 'a' }, /instanceId must be 1-100 characters/],
    [{ instanceId: 'arn:aws:s3:::bucket', emailAddressId: 'p', aliasEmailAddressId: 'a' }, /instanceId must be an Amazon Connect instance id or an ARN/],
    [{ instanceId: INSTANCE, emailAddressId: '', aliasEmailAddressId: 'a' }, /emailAddressId must be 1-500 characters/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'x'.repeat(501) }, /aliasEmailAddressId must be 1-500 characters/],
    [{ instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'p' }, /aliasEmailAddressId must differ from emailAddressId/],
    [{ instanceId: INSTANCE, emailAddressId: `${INSTANCE_ARN}/email-address/p`, aliasEmailAddressId: 'p' }, /aliasEmailAddressId must differ from emailAddressId/],
    [{ instanceId: INSTANCE, emailAddressId: 'arn:aws:connect:us-east-1:111111111111:instance/other/email-address/p', aliasEmailAddressId: 'a' }, /emailAddressId belongs to instance other, but instanceId is 1111/],
  ])('%j fails with %s', (props, message) => {
    expect(() => new EmailAddressAlias(stack, 'Alias', props)).toThrow(message);
  });

  test('unresolved tokens are never rejected', () => {
    const token = (name: string) => new CfnParameter(stack, name).valueAsString;
    expect(() => new EmailAddressAlias(stack, 'Alias', { instanceId: token('I'), emailAddressId: token('P'), aliasEmailAddressId: token('A') })).not.toThrow();
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test.each([
    ['a primary with two aliases', ['p', 'a'], ['p', 'b'], /'Stack\/Second' and 'Stack\/First' give the same primary address two aliases \(emailAddressId 'p' in both\)/],
    ['an alias used twice', ['p', 'a'], ['q', 'a'], /'Stack\/Second' and 'Stack\/First' use the same alias address twice \(aliasEmailAddressId 'a' in both\)/],
    ['an alias that is itself a primary', ['p', 'a'], ['q', 'p'], /'Stack\/Second' uses as its alias \(aliasEmailAddressId 'p'\) the primary address of 'Stack\/First' \(emailAddressId 'p'\)/],
    ['a primary that is another pair\'s alias', ['p', 'a'], ['a', 'b'], /'Stack\/Second' gives an alias to \(emailAddressId 'a'\) the alias address of 'Stack\/First' \(aliasEmailAddressId 'a'\)/],
  ])('%s fails at synth, naming both constructs and the properties', (_name, first, second, message) => {
    new EmailAddressAlias(stack, 'First', { instanceId: INSTANCE, emailAddressId: first[0], aliasEmailAddressId: first[1] });
    new EmailAddressAlias(stack, 'Second', { instanceId: INSTANCE, emailAddressId: second[0], aliasEmailAddressId: second[1] });

    expect(() => Template.fromStack(stack)).toThrow(message);
  });

  test('an ARN and an id of the same address are the same address', () => {
    new EmailAddressAlias(stack, 'First', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });
    new EmailAddressAlias(stack, 'Second', { instanceId: INSTANCE, emailAddressId: `${INSTANCE_ARN}/email-address/p`, aliasEmailAddressId: 'b' });

    expect(() => Template.fromStack(stack)).toThrow(/give the same primary address two aliases/);
  });

  test('the same CfnEmailAddress as primary of two pairs is caught through its token', () => {
    const primary = new connect.CfnEmailAddress(stack, 'Primary', { instanceArn: INSTANCE_ARN, emailAddress: 'support@example.com' });
    const one = new connect.CfnEmailAddress(stack, 'One', { instanceArn: INSTANCE_ARN, emailAddress: 'one@example.com' });
    const two = new connect.CfnEmailAddress(stack, 'Two', { instanceArn: INSTANCE_ARN, emailAddress: 'two@example.com' });
    EmailAddressAlias.between(stack, 'First', { primary, alias: one });
    EmailAddressAlias.between(stack, 'Second', { primary, alias: two });

    expect(() => Template.fromStack(stack)).toThrow(/'Stack\/Second' and 'Stack\/First' give the same primary address two aliases \(primary 'Stack\/Primary' in both\)/);
  });

  test('pairs in different stacks do not conflict', () => {
    const app = new App();
    new EmailAddressAlias(new Stack(app, 'One', { env: ENV }), 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });
    new EmailAddressAlias(new Stack(app, 'Two', { env: ENV }), 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'b' });

    expect(() => app.synth()).not.toThrow();
  });
});
