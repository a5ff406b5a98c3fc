import { Aws, CustomResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import type * as connect from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';
import type { AliasHandlerOptions } from './alias-handler-options';
import { AliasProvider, AliasProviderKind } from './private/alias-provider';
import { validateProp, validateRemovalPolicy } from './private/construct-validation';
import { DeclaredAddress, addressKey, declarePair } from './private/email-alias-rules';
import { EMAIL_ADDRESS_ALIAS_ATTRIBUTES as ATTR, EMAIL_ADDRESS_MARK_KEYS as MARKS, EmailAddressAliasProperties } from './private/email-address-alias-properties';
import {
  addressInIdPropertyProblem,
  emailAddressIdProblem,
  emailAddressProblem,
  instanceIdOf,
  instanceIdProblem,
  parseConnectArn,
} from './private/validation';

/** Properties of an EmailAddressAlias. */
export interface EmailAddressAliasProps extends AliasHandlerOptions {
  /** The Amazon Connect instance, by id or ARN. */
  readonly instanceId: string;

  /**
   * The primary email address, by id or ARN: mail sent to the alias is delivered here
   * (`CfnEmailAddress.attrEmailAddressArn` works as is). Give either this or `emailAddress`.
   * @default - none; `emailAddress` is required then
   */
  readonly emailAddressId?: string;

  /**
   * The primary email address as people know it (`support@example.my.connect.aws`), looked up in the
   * instance at deploy time. Give either this or `emailAddressId`.
   * @default - none; `emailAddressId` is required then
   */
  readonly emailAddress?: string;

  /**
   * The alias email address, by id or ARN. It must not have an alias of its own. Give either this or
   * `aliasEmailAddress`.
   * @default - none; `aliasEmailAddress` is required then
   */
  readonly aliasEmailAddressId?: string;

  /**
   * The alias email address as people know it, looked up in the instance at deploy time. Give either this
   * or `aliasEmailAddressId`.
   * @default - none; `aliasEmailAddressId` is required then
   */
  readonly aliasEmailAddress?: string;

  /**
   * What happens to the association when it is removed from the stack or the stack is deleted.
   * DESTROY disassociates the alias; RETAIN leaves it associated.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of an EmailAddressAlias between two `CfnEmailAddress` resources of the same instance. */
export interface EmailAddressAliasBetweenProps extends AliasHandlerOptions {
  /** The primary email address: mail sent to the alias is delivered here. */
  readonly primary: connect.CfnEmailAddress;

  /** The alias email address. */
  readonly alias: connect.CfnEmailAddress;

  /**
   * What happens to the association when it is removed from the stack or the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

const KIND: AliasProviderKind = {
  id: 'CdkAliasesEmailAddressAliasProvider',
  handlerAsset: 'email-address-alias',
  constructName: 'EmailAddressAlias',
  description: 'cdk-aliases: manages Amazon Connect email address aliases (Custom::ConnectEmailAddressAlias)',
};

/**
 * What `between` knows beyond the public props, handed to the constructor under a module-private symbol so
 * that it reaches only the construct that `between` creates: jsii bindings never see it.
 */
const FROM_BETWEEN = Symbol('cdk-aliases.EmailAddressAlias.between');

interface BetweenKnowledge {
  /** `instanceId` is `CfnEmailAddress.instanceArn`: an ARN even when unresolved, so IAM can name the instance. */
  readonly instanceIsArn: true;
  /** The addresses as `between`'s props name them, for messages. */
  readonly primary: { readonly property: string; readonly display: string };
  readonly alias: { readonly property: string; readonly display: string };
}

interface PropsFromBetween extends EmailAddressAliasProps {
  readonly [FROM_BETWEEN]?: BetweenKnowledge;
}

/**
 * An alias email address of Amazon Connect: mail sent to the alias is forwarded to the primary address.
 * The alias is associated when the stack creates this resource and disassociated when it deletes it, and
 * every call carries a deterministic ClientToken, so a retried call is never applied twice.
 *
 * Backed by the custom resource `Custom::ConnectEmailAddressAlias`; one handler function serves all
 * EmailAddressAlias constructs of a stack.
 *
 * @resource Custom::ConnectEmailAddressAlias
 */
export class EmailAddressAlias extends Resource {
  /** An alias between two email addresses defined in this app with `CfnEmailAddress`. */
  public static between(scope: Construct, id: string, props: EmailAddressAliasBetweenProps): EmailAddressAlias {
    const { primary, alias, ...rest } = props;
    const [primaryInstance, aliasInstance] = [primary.instanceArn, alias.instanceArn];
    if (!Token.isUnresolved(primaryInstance) && !Token.isUnresolved(aliasInstance) && primaryInstance !== aliasInstance) {
      throw new Error(
        `${scope.node.path}/${id}: primary and alias must be email addresses of the same Amazon Connect instance (an alias ` +
        `forwards within its instance), but primary.instanceArn is '${primaryInstance}' and alias.instanceArn is '${aliasInstance}'`,
      );
    }
    const withKnowledge: PropsFromBetween = {
      ...rest,
      instanceId: primaryInstance,
      emailAddressId: primary.attrEmailAddressArn,
      aliasEmailAddressId: alias.attrEmailAddressArn,
      [FROM_BETWEEN]: {
        instanceIsArn: true,
        primary: { property: 'primary', display: `'${primary.node.path}'` },
        alias: { property: 'alias', display: `'${alias.node.path}'` },
      },
    };
    return new EmailAddressAlias(scope, id, withKnowledge);
  }

  /**
   * The id of the Connect instance.
   * @attribute
   */
  public readonly instanceId: string;

  /**
   * The id of the primary email address (the id it resolved to, when given as `emailAddress`).
   * @attribute
   */
  public readonly emailAddressId: string;

  /**
   * The id of the alias email address (the id it resolved to, when given as `aliasEmailAddress`).
   * @attribute
   */
  public readonly aliasEmailAddressId: string;

  private readonly resource: CustomResource;

  public constructor(scope: Construct, id: string, props: EmailAddressAliasProps) {
    super(scope, id);
    const knowledge = (props as PropsFromBetween)[FROM_BETWEEN];
    validateProp(this, props.instanceId, instanceIdProblem);
    const primary = declaredAddress(this, props.instanceId, 'emailAddressId', props.emailAddressId, 'emailAddress', props.emailAddress, knowledge?.primary);
    const alias = declaredAddress(this, props.instanceId, 'aliasEmailAddressId', props.aliasEmailAddressId, 'aliasEmailAddress', props.aliasEmailAddress, knowledge?.alias);
    if (addressKey(primary) === addressKey(alias)) {
      throw new Error(`${this.node.path}: ${alias.property} must differ from ${primary.property}; an address cannot be its own alias`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy);
    this.node.addValidation({ validate: declarePair(this, primary, alias) });

    const provider = AliasProvider.of(this, KIND, props);
    const instanceIsArn = knowledge?.instanceIsArn ?? false;
    grantMarked(this, provider);
    provider.grantOnce(`instance:${instanceIsArn}:${props.instanceId}`, () => {
      const addresses = `${instanceArnOf(this, props.instanceId, instanceIsArn)}/email-address/*`;
      return [
        // The declared instance's addresses: looked at, associated, and marked before the association is made.
        { actions: ['connect:DescribeEmailAddress', 'connect:AssociateEmailAddressAlias'], resources: [addresses] },
        {
          actions: ['connect:TagResource'],
          resources: [addresses],
          conditions: {
            'StringEquals': { [`aws:RequestTag/${MARKS.stack}`]: Aws.STACK_NAME },
            'ForAllValues:StringEquals': { 'aws:TagKeys': Object.values(MARKS) },
          },
        },
      ];
    });
    if (primary.isEmailAddress || alias.isEmailAddress) {
      // Per the Service Authorization Reference, SearchEmailAddresses authorises on the instance itself.
      provider.grantOnce(`search:${instanceIsArn}:${props.instanceId}`, () => [{
        actions: ['connect:SearchEmailAddresses'],
        resources: [instanceArnOf(this, props.instanceId, instanceIsArn)],
      }]);
    }

    const properties: EmailAddressAliasProperties = {
      InstanceId: props.instanceId,
      EmailAddressId: props.emailAddressId,
      EmailAddress: props.emailAddress,
      AliasEmailAddressId: props.aliasEmailAddressId,
      AliasEmailAddress: props.aliasEmailAddress,
    };
    this.resource = provider.newResource(this, 'Custom::ConnectEmailAddressAlias', properties, removalPolicy);

    this.instanceId = this.resource.getAttString(ATTR.instanceId);
    this.emailAddressId = this.resource.getAttString(ATTR.emailAddressId);
    this.aliasEmailAddressId = this.resource.getAttString(ATTR.aliasEmailAddressId);
  }

  /**
   * Sets the custom resource's DeletionPolicy and UpdateReplacePolicy. RETAIN leaves the alias associated
   * when the construct leaves the stack; DESTROY disassociates it.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy);
    this.resource.applyRemovalPolicy(policy);
  }
}

/**
 * One address of the pair, given exactly one way: by id or ARN (`idProperty`) or as an email address
 * (`addressProperty`). Literal values are checked; tokens pass.
 */
function declaredAddress(
  scope: Construct,
  instanceId: string,
  idProperty: string,
  id: string | undefined,
  addressProperty: string,
  address: string | undefined,
  naming?: { readonly property: string; readonly display: string },
): DeclaredAddress {
  if ((id === undefined) === (address === undefined)) {
    throw new Error(
      `${scope.node.path}: give exactly one of ${idProperty} (an email address id or ARN) and ${addressProperty} (an email address), ` +
      (id === undefined ? 'got neither' : 'not both'),
    );
  }
  if (id !== undefined) {
    validateProp(scope, id, (v) =>
      addressInIdPropertyProblem(idProperty, addressProperty, v) ?? emailAddressIdProblem(idProperty, v) ?? instanceMismatch(idProperty, v, instanceId));
    return { property: naming?.property ?? idProperty, value: id, isEmailAddress: false, display: naming?.display };
  }
  validateProp(scope, address, (v) => emailAddressProblem(addressProperty, v));
  return { property: addressProperty, value: address!, isEmailAddress: true };
}

/** An address given as an ARN must belong to the instance the construct names. */
function instanceMismatch(property: string, value: string, instance: string): string | undefined {
  const arn = parseConnectArn(value);
  if (!arn || Token.isUnresolved(instance) || arn.instanceId === instanceIdOf(instance)) {
    return undefined;
  }
  return `${property} belongs to instance ${arn.instanceId}, but instanceId is ${instanceIdOf(instance)}`;
}

/**
 * What the handler may do to addresses its stack marked, in any instance of this account and Region: look at
 * them, disassociate them, associate them again and remove the marks. The marks, not the declared instance, are
 * the boundary here: CloudFormation updates the policy before the custom resource (and rolls the custom resource
 * back before the policy), so after an instanceId change the policy names only the new instance, while the
 * Update and the cleanup Delete still release the old instance's pair, and a rollback associates it again.
 */
function grantMarked(scope: Construct, provider: AliasProvider): void {
  provider.grantOnce('marked', () => [{
    actions: ['connect:DescribeEmailAddress', 'connect:DisassociateEmailAddressAlias', 'connect:AssociateEmailAddressAlias', 'connect:UntagResource'],
    resources: [Stack.of(scope).formatArn({ service: 'connect', resource: 'instance', resourceName: '*/email-address/*' })],
    conditions: { StringEquals: { [`aws:ResourceTag/${MARKS.stack}`]: Aws.STACK_NAME } },
  }]);
}

/**
 * The instance's ARN for IAM. An unresolved instance value may be an id or an ARN, which IAM cannot tell
 * apart, so unless it is known to be an ARN it falls back to every instance of this account and Region.
 */
function instanceArnOf(scope: Construct, instance: string, knownArn: boolean): string {
  if (knownArn || (!Token.isUnresolved(instance) && instance.startsWith('arn:'))) {
    return instance;
  }
  const resourceName = Token.isUnresolved(instance) ? '*' : instance;
  return Stack.of(scope).formatArn({ service: 'connect', resource: 'instance', resourceName });
}
