import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConnectionAlias, ConnectionAliasAssociation, IConnectionAlias } from '../lib';

const ENV = { account: '222222222222', region: 'us-east-1' };
const TYPE = 'Custom::WorkSpacesConnectionAliasAssociation';
let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'Stack', { env: ENV });
});

/** The ARN of `resource` in `account`, as the template writes it for this stack's Region. */
const arn = (account: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workspaces:us-east-1:${account}:${resource}`]] });

/** The statements of the WorkSpaces handler's policy. */
function handlerStatements(): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [handlerPolicy] = Object.entries<any>(policies).filter(([id]) => /ConnectionAliasProviderHandler/.test(id)).map(([, p]) => p);
  return handlerPolicy.Properties.PolicyDocument.Statement;
}

function shared(scope: Stack = stack): IConnectionAlias {
  return ConnectionAlias.fromConnectionAliasAttributes(scope, 'Shared', { aliasId: 'wsca-abcdefgh12', ownerAccountId: '111111111111' });
}

describe('fromConnectionAliasAttributes', () => {
  test('the alias ARN is in the owner\'s account', () => {
    expect(stack.resolve(shared().aliasArn)).toEqual(arn('111111111111', 'connectionalias/wsca-abcdefgh12'));
  });

  test('the owner defaults to this stack\'s account', () => {
    const own = ConnectionAlias.fromConnectionAliasAttributes(stack, 'Own', { aliasId: 'wsca-abcdefgh12' });
    expect(stack.resolve(own.aliasArn)).toEqual(arn('222222222222', 'connectionalias/wsca-abcdefgh12'));
    expect(own.env.account).toBe('222222222222');
  });

  test.each([
    [{ aliasId: 'alias-1' }, /Shared: aliasId must match \^wsca-\[0-9a-z\]\{8,63\}\$, got 'alias-1'/],
    [{ aliasId: 'wsca-abcdefgh12', ownerAccountId: '1111' }, /Shared: ownerAccountId must be a 12-digit AWS account id, got '1111'/],
    [{ aliasId: 'wsca-abcdefgh12', connectionString: 'bad..example.com' }, /Shared: connectionString must be a valid DNS name/],
  ])('rejects %j, naming the property', (attrs, message) => {
    expect(() => ConnectionAlias.fromConnectionAliasAttributes(stack, 'Shared', attrs)).toThrow(message);
  });

  test('tokens are not rejected', () => {
    const token = (name: string) => new CfnParameter(stack, name).valueAsString;
    const imported = ConnectionAlias.fromConnectionAliasAttributes(stack, 'Shared', {
      aliasId: token('AliasId'), ownerAccountId: token('Owner'), connectionString: token('Fqdn'),
    });
    expect(stack.resolve(imported.aliasArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:us-east-1:', { Ref: 'Owner' }, ':connectionalias/', { Ref: 'AliasId' }]],
    });
  });
});

describe('the custom resource', () => {
  test('carries AliasId, OwnerAccountId and DirectoryId, and disassociates on delete by default', () => {
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });

    const resources = Template.fromStack(stack).findResources(TYPE);
    const [resource] = Object.values<any>(resources);
    expect(Object.keys(resources)).toHaveLength(1);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^CdkAliasesConnectionAliasProviderframeworkonEvent/), 'Arn'] },
      AliasId: 'wsca-abcdefgh12',
      OwnerAccountId: '111111111111',
      DirectoryId: 'd-2222222222',
      ServiceTimeout: '1500',
    });
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.DependsOn).toBeUndefined();
  });

  test('the owner of an alias of this stack is this stack\'s account; its id is the alias\'s attribute', () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    new ConnectionAliasAssociation(stack, 'Assoc', { alias, directoryId: 'd-2222222222' });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      AliasId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Alias'), 'AliasId'] },
      OwnerAccountId: '222222222222',
    });
    // Its ARN exists only once the alias does: the grant is on the aliases whose stack tag names this stack.
    expect(handlerStatements()).toContainEqual({
      Action: ['workspaces:AssociateConnectionAlias', 'workspaces:DisassociateConnectionAlias'],
      Condition: { StringEquals: { 'aws:ResourceTag/cdk-aliases:stack': { Ref: 'AWS::StackName' } } },
      Effect: 'Allow',
      Resource: arn('222222222222', 'connectionalias/*'),
    });
  });

  test('in an environment-agnostic stack, the owner is the deploying account', () => {
    const agnostic = new Stack(new App(), 'Agnostic');
    const alias = ConnectionAlias.fromConnectionAliasId(agnostic, 'Alias', 'wsca-abcdefgh12');
    new ConnectionAliasAssociation(agnostic, 'Assoc', { alias, directoryId: 'd-2222222222' });

    Template.fromStack(agnostic).hasResourceProperties(TYPE, { OwnerAccountId: { Ref: 'AWS::AccountId' } });
  });

  test('exposes the handler attributes', () => {
    const association = new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });
    const [logicalId] = Object.keys(Template.fromStack(stack).findResources(TYPE));

    expect(stack.resolve(association.connectionIdentifier)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConnectionIdentifier'] });
    expect(stack.resolve(association.aliasId)).toEqual({ 'Fn::GetAtt': [logicalId, 'AliasId'] });
    expect(stack.resolve(association.connectionString)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConnectionString'] });
    expect(association.directoryId).toBe('d-2222222222');
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('removalPolicy %s gives DeletionPolicy %s', (policy, expected) => {
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222', removalPolicy: policy });

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: expected, UpdateReplacePolicy: expected });
  });

  test('applyRemovalPolicy reaches the custom resource', () => {
    const association = new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });
    association.applyRemovalPolicy(RemovalPolicy.RETAIN);

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: 'Retain' });
    expect(() => association.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN/);
  });
});

describe('one handler per stack', () => {
  test('an association adds no function, role or provider when the stack has a ConnectionAlias', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });
    const before = Template.fromStack(stack).toJSON().Resources;
    const withAssociation = new Stack(new App(), 'Stack', { env: ENV });
    new ConnectionAlias(withAssociation, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });
    new ConnectionAliasAssociation(withAssociation, 'Assoc', { alias: shared(withAssociation), directoryId: 'd-2222222222' });
    const after = Template.fromStack(withAssociation).toJSON().Resources;

    const types = (resources: Record<string, any>) => Object.values(resources).map((r) => r.Type).sort();
    expect(types(after)).toEqual([...types(before), TYPE].sort());
    Template.fromStack(withAssociation).resourceCountIs('AWS::Lambda::Function', 2); // handler + framework
  });

  // 900 before the handler existed; the ownership marks on the directory add two tag statements (CreateTags and
  // DeleteTags limited to the alias's three mark keys, and DescribeTags: about 710 bytes).
  test('budget: with a ConnectionAlias in the stack, an association adds at most 1700 template bytes (measured: bench/redirection-size.ts)', () => {
    const bytes = (s: Stack) => JSON.stringify(Template.fromStack(s).toJSON()).length;
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });
    const withAssociation = new Stack(new App(), 'Stack', { env: ENV });
    new ConnectionAlias(withAssociation, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });
    new ConnectionAliasAssociation(withAssociation, 'Assoc', { alias: shared(withAssociation), directoryId: 'd-2222222222' });

    expect(bytes(withAssociation) - bytes(stack)).toBeLessThanOrEqual(1700);
  });

  test('an association and a ConnectionAlias share one ServiceToken', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });

    const tokens = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((r) => r.Type.startsWith('Custom::WorkSpaces')).map((r) => JSON.stringify(r.Properties.ServiceToken));
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(1);
  });

  test('different handler settings fail at synth, naming both constructs', () => {
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    expect(() => new ConnectionAliasAssociation(stack, 'Assoc', {
      alias: shared(), directoryId: 'd-2222222222', logRetention: logs.RetentionDays.ONE_WEEK,
    })).toThrow(/ConnectionAliasAssociation 'Stack\/Assoc' sets handler settings .* but 'Stack\/Alias' in the same stack set/);
  });
});

/** The tag keys of the association's ownership marks on its directory. */
const MARK_KEYS = ['cdk-aliases:owner:wsca-abcdefgh12', 'cdk-aliases:stack:wsca-abcdefgh12', 'cdk-aliases:previous-owner:wsca-abcdefgh12'];

describe('IAM', () => {
  test('Associate and Disassociate on exactly the owner\'s alias, Associate on this account\'s directory, Describe on *', () => {
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });

    expect(handlerStatements()).toEqual([
      { Action: 'workspaces:DescribeConnectionAliases', Effect: 'Allow', Resource: '*' },
      {
        Action: ['workspaces:AssociateConnectionAlias', 'workspaces:DisassociateConnectionAlias'],
        Effect: 'Allow',
        Resource: arn('111111111111', 'connectionalias/wsca-abcdefgh12'),
      },
      { Action: 'workspaces:AssociateConnectionAlias', Effect: 'Allow', Resource: arn('222222222222', 'directory/d-2222222222') },
      {
        Action: 'workspaces:CreateTags',
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': MARK_KEYS },
          'ForAnyValue:StringEquals': { 'aws:TagKeys': ['cdk-aliases:stack:wsca-abcdefgh12'] },
          'StringEquals': { 'aws:RequestTag/cdk-aliases:stack:wsca-abcdefgh12': 'Stack' },
        },
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: 'workspaces:DeleteTags',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': MARK_KEYS }, 'Null': { 'aws:TagKeys': 'false' } },
        Effect: 'Allow',
        Resource: '*',
      },
      { Action: 'workspaces:DescribeTags', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('two aliases associated with one directory grant each alias, and the directory once', () => {
    new ConnectionAliasAssociation(stack, 'A', { alias: shared(), directoryId: 'd-2222222222' });
    const other = ConnectionAlias.fromConnectionAliasAttributes(stack, 'Other', { aliasId: 'wsca-other00000', ownerAccountId: '111111111111' });
    new ConnectionAliasAssociation(stack, 'B', { alias: other, directoryId: 'd-2222222222' });

    const statements = handlerStatements();
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes('connectionalias/')).map((s) => JSON.stringify(s.Resource)))
      .toEqual([expect.stringContaining('connectionalias/wsca-abcdefgh12'), expect.stringContaining('connectionalias/wsca-other00000')]);
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes(':directory/'))).toHaveLength(1);
  });
});

describe('validation', () => {
  test('directoryId must be a directory id', () => {
    expect(() => new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'dir-1' }))
      .toThrow(/Stack\/Assoc: directoryId must be a WorkSpaces directory id .* got 'dir-1'/);
  });

  test('tokens are not rejected', () => {
    const directoryId = new CfnParameter(stack, 'Dir').valueAsString;
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId });

    Template.fromStack(stack).hasResourceProperties(TYPE, { DirectoryId: { Ref: 'Dir' } });
    expect(handlerStatements()).toContainEqual({
      Action: 'workspaces:AssociateConnectionAlias',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:us-east-1:222222222222:directory/', { Ref: 'Dir' }]] },
    });
  });

  test('an alias of another Region is refused', () => {
    const other = new Stack(stack.node.root as App, 'West', { env: { ...ENV, region: 'us-west-2' } });
    const alias = new ConnectionAlias(other, 'Alias', { connectionString: 'desktop.example.com' });
    expect(() => new ConnectionAliasAssociation(stack, 'Assoc', { alias, directoryId: 'd-2222222222' }))
      .toThrow(/Stack\/Assoc: alias must be a connection alias in this stack's Region \(us-east-1\), got one in us-west-2/);
  });

  test('an alias associated twice in the app is refused, naming the first association', () => {
    new ConnectionAliasAssociation(stack, 'First', { alias: shared(), directoryId: 'd-2222222222' });
    // Another import of the same alias, in another stack of the same account and Region.
    const other = new Stack(stack.node.root as App, 'Other', { env: ENV });
    const again = ConnectionAlias.fromConnectionAliasAttributes(other, 'Again', { aliasId: 'wsca-abcdefgh12', ownerAccountId: '111111111111' });
    expect(() => new ConnectionAliasAssociation(other, 'Second', { alias: again, directoryId: 'd-3333333333' }))
      .toThrow(/Other\/Second: alias 'wsca-abcdefgh12' is already associated by 'Stack\/First'; an alias can be associated with one directory per Region/);
  });

  test('the same alias id in another Region or of another owner is another alias', () => {
    new ConnectionAliasAssociation(stack, 'First', { alias: shared(), directoryId: 'd-2222222222' });
    const west = new Stack(stack.node.root as App, 'West', { env: { ...ENV, region: 'us-west-2' } });
    const inWest = ConnectionAlias.fromConnectionAliasAttributes(west, 'Shared', { aliasId: 'wsca-abcdefgh12', ownerAccountId: '111111111111' });
    new ConnectionAliasAssociation(west, 'Assoc', { alias: inWest, directoryId: 'd-3333333333' });
    const ofOther = ConnectionAlias.fromConnectionAliasAttributes(stack, 'OfOther', { aliasId: 'wsca-abcdefgh12', ownerAccountId: '333333333333' });
    new ConnectionAliasAssociation(stack, 'Second', { alias: ofOther, directoryId: 'd-3333333333' });

    expect(Object.keys(Template.fromStack(stack).findResources(TYPE))).toHaveLength(2);
  });

  test('an alias associated through its directoryId is refused', () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890' });
    expect(() => new ConnectionAliasAssociation(stack, 'Assoc', { alias, directoryId: 'd-2222222222' }))
      .toThrow(/Stack\/Assoc: alias 'Stack\/Alias' is already associated through its directoryId/);
  });

  test('SNAPSHOT is refused', () => {
    expect(() => new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222', removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN/);
  });
});

describe('IAM, evaluated', () => {
  /** The handler's policy with the partition filled in, as IAM sees it in this stack's account and Region. */
  function handlerPolicy(): unknown {
    const resolve = (value: any): any => {
      if (Array.isArray(value)) return value.map(resolve);
      if (value && typeof value === 'object') {
        if (value.Ref === 'AWS::Partition') return 'aws';
        if (value.Ref === 'AWS::StackName') return stack.stackName;
        if (value['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      }
      return value;
    };
    return { Version: '2012-10-17', Statement: resolve(handlerStatements()) };
  }

  /** Whether the handler's role may call `action` on `resource` (an ARN), per IAM's evaluation of its policy. */
  async function allowed(action: string, resource: string, contextVariables: Record<string, string | string[]> = {}): Promise<boolean> {
    const result = await runSimulation({
      request: {
        principal: 'arn:aws:iam::222222222222:role/handler',
        action,
        // The alias's share is WorkSpaces' own check in the owner's account; IAM here decides the caller's side.
        resource: { resource, accountId: '222222222222' },
        contextVariables,
      },
      identityPolicies: [{ name: 'handler', policy: handlerPolicy() }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      throw new Error(JSON.stringify(result.errors));
    }
    return result.overallResult === 'Allowed';
  }

  const ALIAS = 'arn:aws:workspaces:us-east-1:111111111111:connectionalias/wsca-abcdefgh12';
  const DIRECTORY = 'arn:aws:workspaces:us-east-1:222222222222:directory/d-2222222222';

  test('every call of the association is allowed; other aliases, directories and Regions are denied', async () => {
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });

    expect(await allowed('workspaces:AssociateConnectionAlias', ALIAS)).toBe(true);
    expect(await allowed('workspaces:AssociateConnectionAlias', DIRECTORY)).toBe(true);
    expect(await allowed('workspaces:DisassociateConnectionAlias', ALIAS)).toBe(true);
    expect(await allowed('workspaces:DescribeConnectionAliases', '*')).toBe(true);

    expect(await allowed('workspaces:AssociateConnectionAlias', ALIAS.replace('wsca-abcdefgh12', 'wsca-other00000'))).toBe(false);
    expect(await allowed('workspaces:DisassociateConnectionAlias', ALIAS.replace('111111111111', '333333333333'))).toBe(false);
    expect(await allowed('workspaces:DisassociateConnectionAlias', ALIAS.replace('us-east-1', 'us-west-2'))).toBe(false);
    expect(await allowed('workspaces:AssociateConnectionAlias', DIRECTORY.replace('d-2222222222', 'd-9999999999'))).toBe(false);
    expect(await allowed('workspaces:DeleteConnectionAlias', ALIAS)).toBe(false);
    expect(await allowed('workspaces:UpdateConnectionAliasPermission', ALIAS)).toBe(false);
  });

  test('the ownership marks: only the mark keys of this alias, the stack key bound to this stack', async () => {
    new ConnectionAliasAssociation(stack, 'Assoc', { alias: shared(), directoryId: 'd-2222222222' });
    const request = (tags: Record<string, string>) => ({
      ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
      'aws:TagKeys': Object.keys(tags),
    });
    const [owner, stackKey, previous] = MARK_KEYS;

    expect(await allowed('workspaces:CreateTags', '*', request({ [owner]: 'abc', [stackKey]: 'Stack' }))).toBe(true);
    expect(await allowed('workspaces:CreateTags', '*', request({ [owner]: 'abc', [stackKey]: 'Stack', [previous]: 'def' }))).toBe(true);
    expect(await allowed('workspaces:DeleteTags', '*', { 'aws:TagKeys': [previous] })).toBe(true);
    expect(await allowed('workspaces:DescribeTags', '*')).toBe(true);

    expect(await allowed('workspaces:CreateTags', '*', request({ [owner]: 'abc', [stackKey]: 'OtherStack' }))).toBe(false);
    expect(await allowed('workspaces:CreateTags', '*', request({ [owner]: 'abc' }))).toBe(false);
    expect(await allowed('workspaces:CreateTags', '*', request({ [owner]: 'abc', [stackKey]: 'Stack', team: 'x' }))).toBe(false);
    expect(await allowed('workspaces:DeleteTags', '*', { 'aws:TagKeys': ['team'] })).toBe(false);
    expect(await allowed('workspaces:DeleteTags', '*', { 'aws:TagKeys': ['cdk-aliases:owner'] })).toBe(false);
  });

  test('an alias of the same stack: only aliases whose stack tag names this stack', async () => {
    const alias = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    new ConnectionAliasAssociation(stack, 'Assoc', { alias, directoryId: 'd-2222222222' });
    const own = 'arn:aws:workspaces:us-east-1:222222222222:connectionalias/wsca-owned00000';

    expect(await allowed('workspaces:AssociateConnectionAlias', own, { 'aws:ResourceTag/cdk-aliases:stack': stack.stackName })).toBe(true);
    expect(await allowed('workspaces:DisassociateConnectionAlias', own, { 'aws:ResourceTag/cdk-aliases:stack': stack.stackName })).toBe(true);
    expect(await allowed('workspaces:DisassociateConnectionAlias', own, { 'aws:ResourceTag/cdk-aliases:stack': 'OtherStack' })).toBe(false);
    expect(await allowed('workspaces:DisassociateConnectionAlias', own, { 'aws:ResourceTag/cdk-aliases:owner': 'abc' })).toBe(false);
    expect(await allowed('workspaces:DisassociateConnectionAlias', own)).toBe(false);
  });
});
