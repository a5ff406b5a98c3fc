import { CustomResource, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { AliasHandlerOptions } from './alias-handler-options';
import { ConnectionAlias, IConnectionAlias } from './connection-alias';
import { AliasProvider } from './private/alias-provider';
import { associationFactsOf, recordAssociationFacts } from './private/association-facts';
import {
  CONNECTION_ALIAS_ASSOCIATION_ATTRIBUTES as ATTR,
  ConnectionAliasAssociationProperties,
} from './private/connection-alias-association-properties';
import { validateProp, validateRemovalPolicy } from './private/construct-validation';
import { ownedByThisStack } from './private/owned-by-this-stack';
import { directoryIdProblem, OWNER_TAG_KEY } from './private/validation';
import { WORKSPACES_PROVIDER_KIND } from './private/workspaces-provider-kind';

/**
 * A connection alias associated with a directory in this stack's Region: what a Region's DNS failover record
 * points at. A `ConnectionAlias` with `directoryId` is one, and so is a `ConnectionAliasAssociation`.
 */
export interface IConnectionAliasAssociation extends IResource {
  /**
   * The connection string of the alias (the FQDN users type).
   * @attribute
   */
  readonly connectionString: string;

  /**
   * The identifier of the association, the value of this Region's DNS TXT record.
   * @attribute
   */
  readonly connectionIdentifier: string;
}

/** Properties of a ConnectionAliasAssociation. */
export interface ConnectionAliasAssociationProps extends AliasHandlerOptions {
  /**
   * The connection alias to associate: one of this account, or one that its owner shares with this account
   * (`ConnectionAlias.fromConnectionAliasAttributes` with `ownerAccountId`). It must be in this stack's Region.
   * A change to another alias replaces the association.
   */
  readonly alias: IConnectionAlias;

  /**
   * The WorkSpaces directory of this account, in this stack's Region, to associate the alias with. Changing
   * it moves the association.
   */
  readonly directoryId: string;

  /**
   * What happens to the association when it is removed from the stack or the stack is deleted.
   * @default RemovalPolicy.DESTROY - the alias is disassociated
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The association of a WorkSpaces connection alias with a directory of this account: the other side of a
 * share (account B associates the alias account A shares with it), or an alias this app does not create.
 *
 * Backed by the custom resource `Custom::WorkSpacesConnectionAliasAssociation`, served by the same handler
 * function as the stack's `ConnectionAlias` constructs.
 *
 * @resource Custom::WorkSpacesConnectionAliasAssociation
 */
export class ConnectionAliasAssociation extends Resource implements IConnectionAliasAssociation {
  /**
   * The identifier of the association, the value of this Region's DNS TXT record.
   * @attribute
   */
  public readonly connectionIdentifier: string;

  /**
   * The id of the associated alias, as WorkSpaces reports it.
   * @attribute
   */
  public readonly aliasId: string;

  /**
   * The connection string of the associated alias, as WorkSpaces reports it.
   * @attribute
   */
  public readonly connectionString: string;

  /** The associated connection alias. */
  public readonly alias: IConnectionAlias;

  /** The directory the alias is associated with. */
  public readonly directoryId: string;

  private readonly resource: CustomResource;

  public constructor(scope: Construct, id: string, props: ConnectionAliasAssociationProps) {
    super(scope, id);
    validateProp(this, props.directoryId, directoryIdProblem);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && !Token.isUnresolved(props.alias.env.region) && props.alias.env.region !== region) {
      throw new Error(`${this.node.path}: alias must be a connection alias in this stack's Region (${region}), got one in ${props.alias.env.region}: an alias can be associated only with directories of its own Region`);
    }
    claimAlias(this, props.alias);
    this.alias = props.alias;
    this.directoryId = props.directoryId;

    const ownerAccountId = props.alias.env.account;
    // The stack's one WorkSpaces provider, shared with its ConnectionAlias constructs; messages name this construct.
    const provider = AliasProvider.of(this, { ...WORKSPACES_PROVIDER_KIND, constructName: 'ConnectionAliasAssociation' }, props);
    grantAssociation(provider, props.alias, props.directoryId);

    const properties: ConnectionAliasAssociationProperties = {
      AliasId: props.alias.aliasId,
      OwnerAccountId: ownerAccountId,
      DirectoryId: props.directoryId,
    };
    this.resource = provider.newResource(this, 'Custom::WorkSpacesConnectionAliasAssociation', properties, removalPolicy);

    this.connectionIdentifier = this.resource.getAttString(ATTR.connectionIdentifier);
    this.aliasId = this.resource.getAttString(ATTR.aliasId);
    this.connectionString = this.resource.getAttString(ATTR.connectionString);
    recordAssociationFacts(this, {
      declaredConnectionString: associationFactsOf(props.alias)?.declaredConnectionString,
      associated: true,
    });
  }

  /**
   * Applies `policy` to the custom resource (the default child is the CustomResource construct, not a
   * CfnResource, so Resource's own implementation would throw).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy);
    this.resource.applyRemovalPolicy(policy);
  }
}

/** The association of each alias in the app, by the alias's construct or its literal owner, Region and id. */
const associationsByApp = new WeakMap<IConstruct, Map<unknown, ConnectionAliasAssociation>>();

/**
 * WorkSpaces associates an alias with one directory per Region, across the owner and the shared account, so a
 * second association of the same alias in the app could only fail at deploy time (or move the first one).
 */
function claimAlias(association: ConnectionAliasAssociation, alias: IConnectionAlias): void {
  if (associationFactsOf(alias)?.associated) {
    throw new Error(
      `${association.node.path}: alias '${alias.node.path}' is already associated through its directoryId; an alias ` +
      'can be associated with one directory per Region: remove its directoryId, or this association',
    );
  }
  const root = association.node.root;
  const claims = associationsByApp.get(root) ?? new Map<unknown, ConnectionAliasAssociation>();
  associationsByApp.set(root, claims);
  const stack = Stack.of(association);
  const literal = [alias.aliasId, alias.env.account, stack.region].every((part) => !Token.isUnresolved(part));
  const keys: unknown[] = [alias, ...(literal ? [`${alias.env.account}/${stack.region}/${alias.aliasId}`] : [])];
  const holder = keys.map((key) => claims.get(key)).find((found) => found !== undefined);
  if (holder) {
    throw new Error(
      `${association.node.path}: alias '${alias.aliasId}' is already associated by '${holder.node.path}'; an alias ` +
      'can be associated with one directory per Region: keep one ConnectionAliasAssociation for it',
    );
  }
  keys.forEach((key) => claims.set(key, association));
}

/**
 * Per the Service Authorization Reference, AssociateConnectionAlias takes the connection alias and the
 * directory, DisassociateConnectionAlias the connection alias, and DescribeConnectionAliases no resource.
 * The alias ARN is the owner's (another account for a shared alias); the directory is this account's.
 */
function grantAssociation(provider: AliasProvider, alias: IConnectionAlias, directoryId: string): void {
  const stack = Stack.of(provider);
  provider.grantOnce('describe-connection-aliases', () => [
    { actions: ['workspaces:DescribeConnectionAliases'], resources: ['*'] },
  ]);
  if (alias instanceof ConnectionAlias && Stack.of(alias) === stack) {
    // The ARN of an alias that this stack's handler creates is known only once it exists: naming it would make
    // the handler's policy wait for the alias and the alias for the policy. Such aliases carry the stack tag.
    provider.grantOnce('association:own-aliases', () => [{
      actions: ['workspaces:AssociateConnectionAlias', 'workspaces:DisassociateConnectionAlias'],
      resources: [stack.formatArn({ service: 'workspaces', resource: 'connectionalias', resourceName: '*' })],
      conditions: ownedByThisStack(),
    }]);
  } else {
    // Keyed by the ARN itself: two associations of one alias grant it once.
    provider.grantOnce(`association:${JSON.stringify(stack.resolve(alias.aliasArn))}`, () => [
      { actions: ['workspaces:AssociateConnectionAlias', 'workspaces:DisassociateConnectionAlias'], resources: [alias.aliasArn] },
    ]);
  }
  provider.grantOnce(`association-directory:${directoryId}`, () => [{
    actions: ['workspaces:AssociateConnectionAlias'],
    resources: [stack.formatArn({ service: 'workspaces', resource: 'directory', resourceName: directoryId })],
  }]);
  grantOwnershipMarks(provider, alias);
}

/**
 * The association's ownership marks are tags on the directory, keyed by the alias id. CreateTags and DeleteTags
 * take no resource type, so tag-key conditions are the only scope: this alias's three mark keys and nothing
 * else, the stack key riding along with every CreateTags and its value bound to this stack's name. The id of an
 * alias this stack creates is known only once it exists (naming it would make the policy wait for the alias and
 * the alias for the policy), and a condition key cannot hold a token: then the keys of any alias id.
 */
function grantOwnershipMarks(provider: AliasProvider, alias: IConnectionAlias): void {
  const stack = Stack.of(provider);
  const literal = !Token.isUnresolved(alias.aliasId);
  const aliasId = literal ? alias.aliasId : 'wsca-*';
  provider.grantOnce(`association-marks:${aliasId}`, () => {
    const keys = [`${OWNER_TAG_KEY}:${aliasId}`, `cdk-aliases:stack:${aliasId}`, `cdk-aliases:previous-owner:${aliasId}`];
    const stackKey = keys[1];
    const match = literal ? 'StringEquals' : 'StringLike';
    return [
      {
        actions: ['workspaces:CreateTags'],
        resources: ['*'],
        conditions: {
          [`ForAllValues:${match}`]: { 'aws:TagKeys': keys },
          [`ForAnyValue:${match}`]: { 'aws:TagKeys': [stackKey] },
          ...(literal ? { StringEquals: { [`aws:RequestTag/${stackKey}`]: stack.stackName } } : {}),
        },
      },
      {
        actions: ['workspaces:DeleteTags'],
        resources: ['*'],
        conditions: { [`ForAllValues:${match}`]: { 'aws:TagKeys': keys }, 'Null': { 'aws:TagKeys': 'false' } },
      },
    ];
  });
  provider.grantOnce('describe-tags', () => [{ actions: ['workspaces:DescribeTags'], resources: ['*'] }]);
}
