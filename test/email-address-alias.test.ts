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

const ACTIONS = ['connect:AssociateEmailAddressAlias', 'connect:DisassociateEmailAddressAlias', 'connect:DescribeEmailAddress'];

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
    expect(handlerPolicyStatements()).toEqual([{ Action: ACTIONS, Effect: 'Allow', Resource: `${INSTANCE_ARN}/email-address/*` }]);
  });

  test('a stack shares one handler per kind, and the two kinds never share', () => {
    new EmailAddressAlias(stack, 'A', { instanceId: INSTANCE, emailAddressId: 'p1', aliasEmailAddressId: 'a1' });
    new EmailAddressAlias(stack, 'B', { instanceId: INSTANCE, emailAddressId: 'p2', aliasEmailAddressId: 'a2' });
    new ConnectionAlias(stack, 'C', { connectionString: 'c.example.com' });

    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 4);
  });
});

describe('IAM', () => {
  test('the three Connect actions, on the email addresses of the instance', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    expect(handlerPolicyStatements()).toEqual([{
      Action: ACTIONS,
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:connect:us-east-1:111111111111:instance/${INSTANCE}/email-address/*`]] },
    }]);
  });

  test('an instance given as an ARN is used as is', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE_ARN, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    expect(handlerPolicyStatements()).toEqual([{ Action: ACTIONS, Effect: 'Allow', Resource: `${INSTANCE_ARN}/email-address/*` }]);
  });

  test('an unresolved instance falls back to the account and Region, never to *', () => {
    new EmailAddressAlias(stack, 'Alias', { instanceId: new CfnParameter(stack, 'Instance').valueAsString, emailAddressId: 'p', aliasEmailAddressId: 'a' });

    const [statement] = handlerPolicyStatements();
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
    ['a primary with two aliases', ['p', 'a'], ['p', 'b'], /'Stack\/Second' and 'Stack\/First' give the same primary address two aliases/],
    ['an alias used twice', ['p', 'a'], ['q', 'a'], /'Stack\/Second' and 'Stack\/First' use the same alias address twice/],
    ['an alias that is itself a primary', ['p', 'a'], ['q', 'p'], /'Stack\/Second' uses as its alias the primary address of 'Stack\/First'/],
    ['a primary that is another pair\'s alias', ['p', 'a'], ['a', 'b'], /'Stack\/Second' gives an alias to the alias address of 'Stack\/First'/],
  ])('%s fails at synth, naming both constructs', (_name, first, second, message) => {
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

    expect(() => Template.fromStack(stack)).toThrow(/same primary address two aliases/);
  });

  test('pairs in different stacks do not conflict', () => {
    const app = new App();
    new EmailAddressAlias(new Stack(app, 'One', { env: ENV }), 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'a' });
    new EmailAddressAlias(new Stack(app, 'Two', { env: ENV }), 'Alias', { instanceId: INSTANCE, emailAddressId: 'p', aliasEmailAddressId: 'b' });

    expect(() => app.synth()).not.toThrow();
  });
});
