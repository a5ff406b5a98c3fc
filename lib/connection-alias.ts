import { CustomResource, IResource, ITaggable, Lazy, NestedStack, RemovalPolicy, Resource, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AliasHandlerOptions } from './alias-handler-options';
import type { ConnectionAliasAttributes } from './connection-alias-attributes';
import type { IConnectionAliasAssociation } from './connection-alias-association';
import { AliasProvider } from './private/alias-provider';
import { recordAssociationFacts } from './private/association-facts';
import { markedForThisStack, ownedByThisStack } from './private/owned-by-this-stack';
import { CONNECTION_ALIAS_ATTRIBUTES as ATTR, ConnectionAliasProperties } from './private/connection-alias-properties';
import { validateProp, validateRemovalPolicy } from './private/construct-validation';
import {
  OWNER_TAG_KEY,
  STACK_TAG_KEY,
  aliasIdProblem,
  connectionAliasIdProblem,
  connectionStringProblem,
  directoryIdProblem,
  ownerAccountIdProblem,
  sharedAccountIdProblem,
  tagsProblem,
} from './private/validation';
import { WORKSPACES_PROVIDER_KIND as KIND } from './private/workspaces-provider-kind';

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
export class ConnectionAlias extends ConnectionAliasBase implements ITaggable, IConnectionAliasAssociation {
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
   * Refers to an existing connection alias by its attributes: one this app does not create, or one that
   * another account owns and shares with this stack's account (for a ConnectionAliasAssociation).
   */
  public static fromConnectionAliasAttributes(scope: Construct, id: string, attrs: ConnectionAliasAttributes): IConnectionAlias {
    const ownerAccountId = attrs.ownerAccountId ?? Stack.of(scope).account;
    class Import extends ConnectionAliasBase {
      public readonly aliasId = attrs.aliasId;
      public get aliasArn(): string {
        return Stack.of(this).formatArn({ service: 'workspaces', account: ownerAccountId, resource: 'connectionalias', resourceName: this.aliasId });
      }
    }
    const imported = new Import(scope, id, { account: ownerAccountId });
    validateProp(imported, attrs.aliasId, aliasIdProblem);
    validateProp(imported, attrs.ownerAccountId, ownerAccountIdProblem);
    validateProp(imported, attrs.connectionString, connectionStringProblem);
    recordAssociationFacts(imported, { declaredConnectionString: attrs.connectionString, associated: false });
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

  /**
   * Tags of the connection alias. `Tags.of()` on the alias or any scope above it reaches them, and so do the
   * stack's own tags (`new Stack(app, id, { tags })`).
   */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;
  /** The connection string as given, for the stack-wide check; undefined when it is a token. */
  private readonly literalConnectionString?: string;

  public constructor(scope: Construct, id: string, props: ConnectionAliasProps) {
    super(scope, id);
    validateProp(this, props.connectionString, connectionStringProblem);
    validateProp(this, props.directoryId, directoryIdProblem);
    validateProp(this, props.sharedAccountId, sharedAccountIdProblem);
    validateProp(this, props.sharedAccountId, (account) => ownAccountProblem(account, Stack.of(this).account));
    this.literalConnectionString = Token.isUnresolved(props.connectionString) ? undefined : props.connectionString;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy);

    this.tags = new TagManager(TagType.KEY_VALUE, 'Custom::WorkSpacesConnectionAlias');
    this.node.addValidation({ validate: () => [...this.validateTags(), ...this.validateUniqueConnectionString()] });

    const provider = AliasProvider.of(this, KIND, props);
    grantAliasManagement(provider, props.directoryId);

    const properties: ConnectionAliasProperties = {
      ConnectionString: props.connectionString,
      DirectoryId: props.directoryId,
      SharedAccountId: props.sharedAccountId,
      // A token standing for the tag list: Tags.of() may still add tags after this constructor has run.
      Tags: Lazy.any({ produce: () => this.renderTags() }) as unknown as ConnectionAliasProperties['Tags'],
    };
    this.resource = provider.newResource(this, 'Custom::WorkSpacesConnectionAlias', properties, removalPolicy);

    this.aliasId = this.resource.getAttString(ATTR.aliasId);
    this.connectionString = this.resource.getAttString(ATTR.connectionString);
    this.connectionIdentifier = this.resource.getAttString(ATTR.connectionIdentifier);
    recordAssociationFacts(this, { declaredConnectionString: props.connectionString, associated: props.directoryId !== undefined });
  }

  /**
   * Sets the custom resource's DeletionPolicy and UpdateReplacePolicy. RETAIN keeps the alias (with its
   * association and share) when it leaves the stack; DESTROY deletes it.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy);
    this.resource.applyRemovalPolicy(policy);
  }

  /**
   * The alias's tags: its own (every `Tags.of()` that reached it) over the tags of its stack and of the stacks
   * above that. CloudFormation propagates stack tags to native resources only, never into a custom resource's
   * properties, so they are copied here. They go in at the lowest priority: a tag set or removed on any
   * scope with `Tags.of()` wins over them.
   */
  private renderTags(): Array<{ Key: string; Value: string }> | undefined {
    for (const stack of stacksAbove(Stack.of(this))) {
      for (const [key, value] of Object.entries(stack.tags.tagValues())) {
        this.tags.setTag(key, value, STACK_TAG_PRIORITY);
      }
    }
    return this.tags.renderTags();
  }

  /** Tags arrive through Aspects after the constructor has run, so they are checked at synth instead. */
  private validateTags(): string[] {
    const rendered: Array<{ Key: string; Value: string }> = this.renderTags() ?? [];
    // Tokens stand in for literal placeholders: they count towards the limit but are not inspected.
    const checkable = rendered.map((tag) => (Token.isUnresolved(tag.Key) || Token.isUnresolved(tag.Value) ? { Key: 'token', Value: '' } : tag));
    const problem = tagsProblem(checkable);
    return problem ? [problem] : [];
  }

  /**
   * WorkSpaces refuses a second alias with a connection string the account already uses (case-insensitively,
   * as DNS names compare), so two in one stack would fail minutes into the deployment. The later construct in
   * the tree reports it, naming the earlier one.
   */
  private validateUniqueConnectionString(): string[] {
    const mine = this.literalConnectionString?.toLowerCase();
    if (mine === undefined) {
      return [];
    }
    const stack = Stack.of(this);
    const aliases = stack.node.findAll().filter((c): c is ConnectionAlias => c instanceof ConnectionAlias && Stack.of(c) === stack);
    const earlier = aliases.slice(0, aliases.indexOf(this)).find((other) => other.literalConnectionString?.toLowerCase() === mine);
    if (earlier === undefined) {
      return [];
    }
    return [
      `connectionString '${this.literalConnectionString}' is already used by '${earlier.node.path}' in this stack; ` +
      'each ConnectionAlias needs its own connection string (compared case-insensitively), since WorkSpaces allows one alias per connection string in an account',
    ];
  }
}

/** Below `Tags.of().add()`'s default of 100 and its removals' 200: stack tags never override a tag set on a scope. */
const STACK_TAG_PRIORITY = 0;

/** The stack and, for a nested stack, its parents, outermost first, so the nearest stack's tag wins. */
function stacksAbove(stack: Stack): Stack[] {
  const parent = NestedStack.isNestedStack(stack) ? stack.nestedStackParent : undefined;
  return parent ? [...stacksAbove(parent), stack] : [stack];
}

/** Sharing with the stack's own account is refused by WorkSpaces; only a literal account can be compared. */
function ownAccountProblem(account: string, stackAccount: string): string | undefined {
  return !Token.isUnresolved(stackAccount) && account === stackAccount
    ? `sharedAccountId must be another AWS account than the stack's own (${stackAccount}); the owner account can always associate its alias`
    : undefined;
}

/**
 * The WorkSpaces permissions the handler needs. Per the Service Authorization Reference, CreateConnectionAlias,
 * DescribeConnectionAliases and the tag actions take no resource ARN, so those are scoped by tag conditions:
 * Create and CreateTags only in requests that mark the alias with this stack's name, and DeleteTags never of
 * the owner or stack tag. The others are scoped to connection aliases whose stack tag names this stack (so
 * no stack's handler can change another stack's aliases, or any alias made by hand), and
 * AssociateConnectionAlias also to the stack's directories (each by its id, a token included).
 */
function grantAliasManagement(provider: AliasProvider, directoryId: string | undefined): void {
  const stack = Stack.of(provider);
  const aliases = stack.formatArn({ service: 'workspaces', resource: 'connectionalias', resourceName: '*' });
  provider.grantOnce('connection-aliases', () => [
    {
      // CreateTags is a dependent action of CreateConnectionAlias; the handler sends the stack tag with both.
      actions: ['workspaces:CreateConnectionAlias', 'workspaces:CreateTags'],
      resources: ['*'],
      conditions: markedForThisStack(),
    },
    {
      actions: ['workspaces:DeleteTags'],
      resources: ['*'],
      conditions: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [OWNER_TAG_KEY, STACK_TAG_KEY] } },
    },
    { actions: ['workspaces:DescribeConnectionAliases', 'workspaces:DescribeTags'], resources: ['*'] },
    {
      actions: [
        'workspaces:DeleteConnectionAlias',
        'workspaces:DescribeConnectionAliasPermissions',
        'workspaces:DisassociateConnectionAlias',
        'workspaces:UpdateConnectionAliasPermission',
      ],
      resources: [aliases],
      conditions: ownedByThisStack(),
    },
  ]);
  if (directoryId !== undefined) {
    // IAM authorises AssociateConnectionAlias once per resource it names, the alias and the directory, each
    // against the statements that list it: the alias only if its stack tag names this stack (any of the
    // account's other aliases stays out of reach), the directory by its ARN alone (directories carry no such tag).
    provider.grantOnce('associate-owned-aliases', () => [
      { actions: ['workspaces:AssociateConnectionAlias'], resources: [aliases], conditions: ownedByThisStack() },
    ]);
    // A token goes into the ARN as it is: it resolves to the one directory at deploy time.
    provider.grantOnce(`directory:${directoryId}`, () => [{
      actions: ['workspaces:AssociateConnectionAlias'],
      resources: [stack.formatArn({ service: 'workspaces', resource: 'directory', resourceName: directoryId })],
    }]);
  }
}

