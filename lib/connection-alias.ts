import { IResource, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AliasHandlerOptions } from './alias-handler-options';
import { AliasProvider, AliasProviderKind } from './private/alias-provider';
import { CONNECTION_ALIAS_ATTRIBUTES as ATTR, ConnectionAliasProperties } from './private/connection-alias-properties';
import { validateProp, validateRemovalPolicy } from './private/construct-validation';
import {
  OWNER_TAG_KEY,
  connectionAliasIdProblem,
  connectionStringProblem,
  directoryIdProblem,
  sharedAccountIdProblem,
  tagsProblem,
} from './private/validation';

/** A WorkSpaces connection alias, created by this library or imported. */
export interface IConnectionAlias extends IResource {
  /**
   * The id of the connection alias (`wsca-…`).
   * @attribute
   */
  readonly aliasId: string;

  /**
   * The ARN of the connection alias.
   * @attribute
   */
  readonly aliasArn: string;

  /** Grants `grantee` the given WorkSpaces actions on this connection alias. */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;
}

/** Properties of a ConnectionAlias. */
export interface ConnectionAliasProps extends AliasHandlerOptions {
  /**
   * The fully qualified domain name that users type to connect (e.g. `desktop.example.com`). Changing it
   * replaces the alias.
   */
  readonly connectionString: string;

  /**
   * The WorkSpaces directory to associate the alias with, in this stack's Region. Changing it moves the
   * association.
   * @default - not associated
   */
  readonly directoryId?: string;

  /**
   * Another AWS account allowed to associate the alias with its own directory (one account at most).
   * @default - not shared
   */
  readonly sharedAccountId?: string;

  /**
   * What happens to the alias when it is removed from the stack or the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

const KIND: AliasProviderKind = {
  id: 'CdkAliasesConnectionAliasProvider',
  handlerAsset: 'connection-alias',
  constructName: 'ConnectionAlias',
  description: 'cdk-aliases: manages WorkSpaces connection aliases (Custom::WorkSpacesConnectionAlias)',
};

abstract class ConnectionAliasBase extends Resource implements IConnectionAlias {
  public abstract readonly aliasId: string;

  public get aliasArn(): string {
    return Stack.of(this).formatArn({ service: 'workspaces', resource: 'connectionalias', resourceName: this.aliasId });
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.aliasArn] });
  }
}

/**
 * A WorkSpaces connection alias for cross-Region redirection: created and kept in the declared state,
 * optionally associated with a directory and shared with another account, with tags changed in place.
 *
 * Backed by the custom resource `Custom::WorkSpacesConnectionAlias`; one handler function serves all
 * ConnectionAlias constructs of a stack.
 *
 * @resource Custom::WorkSpacesConnectionAlias
 */
export class ConnectionAlias extends ConnectionAliasBase implements ITaggable {
  /** Refers to an existing connection alias by its id. */
  public static fromConnectionAliasId(scope: Construct, id: string, connectionAliasId: string): IConnectionAlias {
    class Import extends ConnectionAliasBase {
      public readonly aliasId = connectionAliasId;
    }
    const imported = new Import(scope, id);
    validateProp(imported, connectionAliasId, connectionAliasIdProblem);
    return imported;
  }

  /**
   * The id of the connection alias (`wsca-…`).
   * @attribute
   */
  public readonly aliasId: string;

  /**
   * The connection string, as WorkSpaces reports it.
   * @attribute
   */
  public readonly connectionString: string;

  /**
   * The identifier of the association with `directoryId`, for the DNS TXT records of cross-Region
   * redirection. An empty string when the alias is not associated.
   * @attribute
   */
  public readonly connectionIdentifier: string;

  /** Tags of the connection alias; `Tags.of()` on the alias or any scope above it reaches them. */
  public readonly tags: TagManager;

  public constructor(scope: Construct, id: string, props: ConnectionAliasProps) {
    super(scope, id);
    validateProp(this, props.connectionString, connectionStringProblem);
    validateProp(this, props.directoryId, directoryIdProblem);
    validateProp(this, props.sharedAccountId, sharedAccountIdProblem);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy);

    this.tags = new TagManager(TagType.KEY_VALUE, 'Custom::WorkSpacesConnectionAlias');
    this.node.addValidation({ validate: () => this.validateTags() });

    const provider = AliasProvider.of(this, KIND, props);
    grantAliasManagement(provider, props.directoryId);

    const properties: ConnectionAliasProperties = {
      ConnectionString: props.connectionString,
      DirectoryId: props.directoryId,
      SharedAccountId: props.sharedAccountId,
      // A token standing for the tag list: Tags.of() may still add tags after this constructor has run.
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as unknown as ConnectionAliasProperties['Tags'],
    };
    const resource = provider.newResource(this, 'Custom::WorkSpacesConnectionAlias', properties, removalPolicy);

    this.aliasId = resource.getAttString(ATTR.aliasId);
    this.connectionString = resource.getAttString(ATTR.connectionString);
    this.connectionIdentifier = resource.getAttString(ATTR.connectionIdentifier);
  }

  /** Tags arrive through Aspects after the constructor has run, so they are checked at synth instead. */
  private validateTags(): string[] {
    const rendered: Array<{ Key: string; Value: string }> = this.tags.renderTags() ?? [];
    // Tokens stand in for literal placeholders: they count towards the limit but are not inspected.
    const checkable = rendered.map((tag) => (Token.isUnresolved(tag.Key) || Token.isUnresolved(tag.Value) ? { Key: 'token', Value: '' } : tag));
    const problem = tagsProblem(checkable);
    return problem ? [problem] : [];
  }
}

/**
 * The WorkSpaces permissions the handler needs. Per the Service Authorization Reference, CreateConnectionAlias,
 * DescribeConnectionAliases and the tag actions take no resource ARN, so those are scoped by tag conditions;
 * the others are scoped to connection aliases that carry the owner marker, and to the stack's directories
 * (each by its id, a token included).
 */
function grantAliasManagement(provider: AliasProvider, directoryId: string | undefined): void {
  const stack = Stack.of(provider);
  const aliases = stack.formatArn({ service: 'workspaces', resource: 'connectionalias', resourceName: '*' });
  provider.grantOnce('connection-aliases', () => [
    {
      // CreateTags is a dependent action of CreateConnectionAlias; the handler sends the owner tag with both.
      actions: ['workspaces:CreateConnectionAlias', 'workspaces:CreateTags'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [OWNER_TAG_KEY] } },
    },
    {
      actions: ['workspaces:DeleteTags'],
      resources: ['*'],
      conditions: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [OWNER_TAG_KEY] } },
    },
    { actions: ['workspaces:DescribeConnectionAliases', 'workspaces:DescribeTags'], resources: ['*'] },
    { actions: ['workspaces:DescribeConnectionAliasPermissions'], resources: [aliases] },
    {
      actions: ['workspaces:DeleteConnectionAlias', 'workspaces:DisassociateConnectionAlias', 'workspaces:UpdateConnectionAliasPermission'],
      resources: [aliases],
      conditions: { Null: { [`aws:ResourceTag/${OWNER_TAG_KEY}`]: 'false' } },
    },
  ]);
  if (directoryId !== undefined) {
    // A token goes into the ARN as it is: it resolves to the one directory at deploy time.
    provider.grantOnce(`directory:${directoryId}`, () => [{
      actions: ['workspaces:AssociateConnectionAlias'],
      resources: [aliases, stack.formatArn({ service: 'workspaces', resource: 'directory', resourceName: directoryId })],
    }]);
  }
}
