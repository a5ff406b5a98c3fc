import { App, CfnParameter, Lazy, NestedStack, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConnectionAlias } from '../lib';
import { permissionsChain } from './support/permissions-chain';

const ENV = { account: '111111111111', region: 'us-east-1' };
let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'Stack', { env: ENV });
});

/** The user handler function (not the Provider framework's). */
const HANDLER = { Handler: 'index.handler', Description: Match.stringLikeRegexp('WorkSpaces connection aliases') };

describe('the custom resource', () => {
  test('its handler\'s permissions exist before it and outlive it, through its ServiceToken', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });

    // CloudFormation orders creation along references and deletes in reverse: no DependsOn of its own needed.
    const { resource, framework, handler } = permissionsChain(stack, 'Custom::WorkSpacesConnectionAlias');
    expect(resource.DependsOn).toBeUndefined();
    expect(framework.Properties.Handler).toBe('framework.onEvent');
    expect(handler.Properties.Handler).toBe('index.handler');
    expect(handler.DependsOn).toEqual([expect.stringMatching(/HandlerServiceRoleDefaultPolicy/), expect.stringMatching(/HandlerServiceRole[0-9A-F]{8}$/)]);
  });

  test('carries the declared properties and tags, stack-level tags included', () => {
    const alias = new ConnectionAlias(stack, 'Alias', {
      connectionString: 'desktop.example.com',
      directoryId: 'd-1234567890',
      sharedAccountId: '222222222222',
    });
    Tags.of(alias).add('team', 'euc');
    Tags.of(stack).add('project', 'x');

    Template.fromStack(stack).hasResource('Custom::WorkSpacesConnectionAlias', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConnectionAliasProvider'), 'Arn'] },
        ConnectionString: 'desktop.example.com',
        DirectoryId: 'd-1234567890',
        SharedAccountId: '222222222222',
        Tags: [{ Key: 'project', Value: 'x' }, { Key: 'team', Value: 'euc' }],
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('tags given to the stack itself reach the alias, under any tag set on a scope', () => {
    const tagged = new Stack(new App(), 'Tagged', { env: ENV, tags: { CostCenter: '42', team: 'stack-level' } });
    const alias = new ConnectionAlias(tagged, 'Alias', { connectionString: 'desktop.example.com' });
    Tags.of(alias).add('team', 'euc');

    Template.fromStack(tagged).hasResourceProperties('Custom::WorkSpacesConnectionAlias', {
      Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'team', Value: 'euc' }],
    });
  });

  test('a tag removed with Tags.of() stays removed even when the stack carries it', () => {
    const tagged = new Stack(new App(), 'Tagged', { env: ENV, tags: { CostCenter: '42', keep: 'yes' } });
    const alias = new ConnectionAlias(tagged, 'Alias', { connectionString: 'desktop.example.com' });
    Tags.of(alias).remove('CostCenter');

    Template.fromStack(tagged).hasResourceProperties('Custom::WorkSpacesConnectionAlias', { Tags: [{ Key: 'keep', Value: 'yes' }] });
  });

  test('a nested stack\'s alias gets the tags of its own stack and of the stacks above it', () => {
    const parent = new Stack(new App(), 'Parent', { env: ENV, tags: { level: 'parent', CostCenter: '42' } });
    const nested = new NestedStack(parent, 'Nested');
    Tags.of(nested).add('level', 'nested');
    new ConnectionAlias(nested, 'Alias', { connectionString: 'desktop.example.com' });

    Template.fromStack(nested).hasResourceProperties('Custom::WorkSpacesConnectionAlias', {
      Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'level', Value: 'nested' }],
    });
  });

  test('reserved keys among the stack\'s tags fail at synth too', () => {
    const tagged = new Stack(new App(), 'Tagged', { env: ENV, tags: { 'cdk-aliases:owner': 'x' } });
    new ConnectionAlias(tagged, 'Alias', { connectionString: 'desktop.example.com' });

    expect(() => Template.fromStack(tagged)).toThrow(/the key 'cdk-aliases:owner' is reserved/);
  });

  test('leaves out what is not set', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });

    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::WorkSpacesConnectionAlias'));
    expect(Object.keys(resource.Properties).sort()).toEqual(['ConnectionString', 'ServiceTimeout', 'ServiceToken']);
  });

  test('exposes the handler attributes', () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    const logicalId = stack.getLogicalId(alias.node.findChild('Resource').node.defaultChild as any);

    expect(stack.resolve(alias.aliasId)).toEqual({ 'Fn::GetAtt': [logicalId, 'AliasId'] });
    expect(stack.resolve(alias.connectionString)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConnectionString'] });
    expect(stack.resolve(alias.connectionIdentifier)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConnectionIdentifier'] });
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('removalPolicy %s gives DeletionPolicy %s', (policy, expected) => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', removalPolicy: policy });

    Template.fromStack(stack).hasResource('Custom::WorkSpacesConnectionAlias', { DeletionPolicy: expected, UpdateReplacePolicy: expected });
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('applyRemovalPolicy(%s) sets DeletionPolicy %s on the custom resource', (policy, expected) => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', removalPolicy: policy === RemovalPolicy.RETAIN ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN });

    alias.applyRemovalPolicy(policy);

    Template.fromStack(stack).hasResource('Custom::WorkSpacesConnectionAlias', { DeletionPolicy: expected, UpdateReplacePolicy: expected });
  });

  test('applyRemovalPolicy(SNAPSHOT) is refused, naming what is allowed', () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });

    expect(() => alias.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN/);
  });

  test('CloudFormation gives up on a lost answer after 25 minutes, not the default hour', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });

    Template.fromStack(stack).hasResourceProperties('Custom::WorkSpacesConnectionAlias', { ServiceTimeout: '1500' });
  });

  test('SNAPSHOT is refused', () => {
    expect(() => new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com', removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN/);
  });
});

describe('the provider', () => {
  test('one handler function per stack, on the newest Node.js runtime, below the framework timeout', () => {
    for (const name of ['a', 'b', 'c']) {
      new ConnectionAlias(stack, name, { connectionString: `${name}.example.com` });
    }

    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::WorkSpacesConnectionAlias', 3);
    template.resourceCountIs('AWS::Lambda::Function', 2); // our handler and the framework's onEvent
    template.hasResourceProperties('AWS::Lambda::Function', { ...HANDLER, Runtime: 'nodejs24.x', Timeout: 600 });
  });

  test('IAM grants only the WorkSpaces actions the handler calls, scoped where WorkSpaces allows', () => {
    new ConnectionAlias(stack, 'A', { connectionString: 'a.example.com', directoryId: 'd-1234567890' });
    new ConnectionAlias(stack, 'B', { connectionString: 'b.example.com', directoryId: 'd-abcdef0123' });
    new ConnectionAlias(stack, 'C', { connectionString: 'c.example.com' });

    const statements = handlerPolicyStatements();
    const aliases = arn(':workspaces:us-east-1:111111111111:connectionalias/*');
    // The stack's own name as CloudFormation knows it: what the handler reads from the StackId and tags with.
    const owned = { StringEquals: { 'aws:ResourceTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } };
    expect(statements).toEqual([
      {
        Action: ['workspaces:CreateConnectionAlias', 'workspaces:CreateTags'],
        Condition: { StringEquals: { 'aws:RequestTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } },
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: 'workspaces:DeleteTags',
        Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['cdk-aliases:owner', 'cdk-aliases:stack'] } },
        Effect: 'Allow',
        Resource: '*',
      },
      { Action: ['workspaces:DescribeConnectionAliases', 'workspaces:DescribeTags'], Effect: 'Allow', Resource: '*' },
      {
        Action: [
          'workspaces:DeleteConnectionAlias',
          'workspaces:DescribeConnectionAliasPermissions',
          'workspaces:DisassociateConnectionAlias',
          'workspaces:UpdateConnectionAliasPermission',
        ],
        Condition: owned,
        Effect: 'Allow',
        Resource: aliases,
      },
      // Associate: the alias only if this stack marked it, and each directory by its ARN alone.
      { Action: 'workspaces:AssociateConnectionAlias', Condition: owned, Effect: 'Allow', Resource: aliases },
      { Action: 'workspaces:AssociateConnectionAlias', Effect: 'Allow', Resource: arn(':workspaces:us-east-1:111111111111:directory/d-1234567890') },
      { Action: 'workspaces:AssociateConnectionAlias', Effect: 'Allow', Resource: arn(':workspaces:us-east-1:111111111111:directory/d-abcdef0123') },
    ]);
    const actions = statements.flatMap((s: any) => [s.Action].flat());
    expect(actions.every((action: string) => /^workspaces:[A-Za-z]+$/.test(action))).toBe(true);
  });

  test('without a directory, the handler cannot associate', () => {
    new ConnectionAlias(stack, 'A', { connectionString: 'a.example.com' });

    expect(JSON.stringify(handlerPolicyStatements())).not.toContain('AssociateConnectionAlias');
  });

  test('user settings reach the handler function', () => {
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const logGroup = new logs.LogGroup(stack, 'Logs');
    new ConnectionAlias(stack, 'Alias', {
      connectionString: 'a.example.com',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      logGroup,
      architecture: lambda.Architecture.ARM_64,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      ...HANDLER,
      Architectures: ['arm64'],
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(securityGroup.node.defaultChild as any), 'GroupId'] }] },
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(logGroup.node.defaultChild as any) } },
    });
  });

  test('logRetention gives both functions a log group with that retention, without Custom::LogRetention or a deprecation warning', () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => { warnings.push(args.join(' ')); });
    try {
      new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com', logRetention: logs.RetentionDays.ONE_WEEK });
      const template = Template.fromStack(stack);

      template.resourceCountIs('Custom::LogRetention', 0);
      const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
      expect(Object.keys(groups)).toHaveLength(2);
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions).toHaveLength(2); // no log-retention function beside the handler and the framework's onEvent
      expect(functions.map((fn) => fn.Properties.LoggingConfig.LogGroup.Ref).sort()).toEqual(Object.keys(groups).sort());
      expect(warnings.filter((w) => /deprecated/i.test(w))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test('logGroup reaches both functions as given', () => {
    const logGroup = new logs.LogGroup(stack, 'Logs');
    new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com', logGroup });

    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.map((fn) => fn.Properties.LoggingConfig.LogGroup)).toEqual([
      { Ref: stack.getLogicalId(logGroup.node.defaultChild as any) },
      { Ref: stack.getLogicalId(logGroup.node.defaultChild as any) },
    ]);
  });

  test('two constructs asking for different settings fail, naming both', () => {
    new ConnectionAlias(stack, 'First', { connectionString: 'a.example.com', architecture: lambda.Architecture.ARM_64 });

    expect(() => new ConnectionAlias(stack, 'Second', { connectionString: 'b.example.com' }))
      .toThrow(/'Stack\/Second' sets handler settings .* but 'Stack\/First' in the same stack set .*arm64/);
  });

  test('logGroup and logRetention together are refused', () => {
    expect(() => new ConnectionAlias(stack, 'A', {
      connectionString: 'a.example.com',
      logGroup: new logs.LogGroup(stack, 'Logs'),
      logRetention: logs.RetentionDays.ONE_DAY,
    })).toThrow(/either logGroup or logRetention/);
  });

  test('a permissions boundary applied to the stack reaches the handler role', () => {
    new ConnectionAlias(stack, 'A', { connectionString: 'a.example.com' });
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'boundary'));

    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.keys(roles).length).toBeGreaterThanOrEqual(2);
    for (const role of Object.values(roles)) {
      expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain(':policy/boundary');
    }
  });
});

describe('validation at synth', () => {
  test.each([
    ['connectionString', { connectionString: 'desk top.example.com' }, /connectionString must be 1-255 characters of letters, digits, '.' and '-'/],
    ['connectionString', { connectionString: 'desktop..example.com' }, /connectionString must be a valid DNS name: every dot-separated label 1-63 characters, no empty label/],
    ['connectionString', { connectionString: `${'a'.repeat(64)}.example.com` }, /connectionString must be a valid DNS name/],
    ['connectionString', { connectionString: 'a'.repeat(256) }, /connectionString must be 1-255 characters/],
    ['directoryId', { connectionString: 'a.example.com', directoryId: 'd-XYZ' }, /directoryId must be a WorkSpaces directory id/],
    ['sharedAccountId', { connectionString: 'a.example.com', sharedAccountId: '12345' }, /sharedAccountId must be a 12-digit AWS account id, got '12345'/],
  ])('a bad %s fails, naming the property and what is allowed', (_name, props, message) => {
    expect(() => new ConnectionAlias(stack, 'Alias', props as any)).toThrow(message);
  });

  test('unresolved tokens are never rejected', () => {
    const parameter = new CfnParameter(stack, 'Directory');
    expect(() => new ConnectionAlias(stack, 'Alias', {
      connectionString: Lazy.string({ produce: () => 'not valid!!' }),
      directoryId: parameter.valueAsString,
      sharedAccountId: new CfnParameter(stack, 'Account').valueAsString,
    })).not.toThrow();
    // The grant names the one directory the parameter resolves to, not every directory.
    const associate = handlerPolicyStatements().filter((statement) => statement.Action === 'workspaces:AssociateConnectionAlias');
    expect(associate[1].Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:us-east-1:111111111111:directory/', { Ref: 'Directory' }]] });
  });

  test('two aliases with the same connection string in one stack fail, naming both, whatever the case', () => {
    new ConnectionAlias(stack, 'First', { connectionString: 'desktop.example.com' });
    new ConnectionAlias(stack, 'Second', { connectionString: 'Desktop.Example.COM' });

    expect(() => Template.fromStack(stack)).toThrow(
      /\[Stack\/Second\] connectionString 'Desktop.Example.COM' is already used by 'Stack\/First' in this stack; each ConnectionAlias needs its own connection string/);
  });

  test('the same connection string in two stacks (one per Region) is fine, and a token is never compared', () => {
    const app = new App();
    new ConnectionAlias(new Stack(app, 'East', { env: ENV }), 'Alias', { connectionString: 'desktop.example.com' });
    new ConnectionAlias(new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } }), 'Alias', { connectionString: 'desktop.example.com' });
    const tokens = new Stack(app, 'Tokens', { env: ENV });
    const token = new CfnParameter(tokens, 'Name').valueAsString;
    new ConnectionAlias(tokens, 'A', { connectionString: token });
    new ConnectionAlias(tokens, 'B', { connectionString: token });

    expect(() => app.synth()).not.toThrow();
  });

  test('sharing with the stack\'s own account fails; an account-agnostic stack cannot be compared', () => {
    expect(() => new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com', sharedAccountId: '111111111111' }))
      .toThrow(/sharedAccountId must be another AWS account than the stack's own \(111111111111\)/);
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(() => new ConnectionAlias(agnostic, 'Alias', { connectionString: 'a.example.com', sharedAccountId: '111111111111' })).not.toThrow();
  });

  test.each(['cdk-aliases:owner', 'cdk-aliases:stack', 'cdk-aliases:previous-owner', 'cdk-aliases:anything', 'CDK-Aliases:owner'])(
    'the reserved tag key %s fails at synth',
    (key) => {
      const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com' });
      Tags.of(alias).add(key, 'me');

      expect(() => Template.fromStack(stack)).toThrow(`the key '${key}' is reserved (keys starting with 'aws:' or 'cdk-aliases:' cannot be set)`);
    },
  );

  test('more than 47 tags fail at synth (WorkSpaces allows 50; the handler keeps three for its marks)', () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'a.example.com' });
    for (let i = 0; i < 48; i++) {
      Tags.of(alias).add(`key${i}`, 'v');
    }

    expect(() => Template.fromStack(stack)).toThrow(/at most 47 tags/);
  });
});

describe('fromConnectionAliasId', () => {
  test('imports an alias by id, with its ARN and grants', () => {
    const imported = ConnectionAlias.fromConnectionAliasId(stack, 'Imported', 'wsca-abcdefgh12');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });

    imported.grant(role, 'workspaces:AssociateConnectionAlias');

    expect(imported.aliasId).toBe('wsca-abcdefgh12');
    const expected = arn(':workspaces:us-east-1:111111111111:connectionalias/wsca-abcdefgh12');
    expect(stack.resolve(imported.aliasArn)).toEqual(expected);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'workspaces:AssociateConnectionAlias', Effect: 'Allow', Resource: expected }] },
    });
  });

  test('a malformed id fails', () => {
    expect(() => ConnectionAlias.fromConnectionAliasId(stack, 'Imported', 'alias-1')).toThrow(/connectionAliasId must match/);
  });
});

function handlerPolicyStatements(): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [policy] = Object.entries(policies).filter(([id]) => id.includes('ConnectionAliasProviderHandler')).map(([, p]) => p);
  return policy.Properties.PolicyDocument.Statement;
}

/** An ARN as CDK renders it: the partition stays a reference, so GovCloud and China work. */
function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}
