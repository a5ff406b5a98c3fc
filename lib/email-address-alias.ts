import { RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import type * as connect from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';
import type { AliasHandlerOptions } from './alias-handler-options';
import { AliasProvider, AliasProviderKind } from './private/alias-provider';
import { validateProp, validateRemovalPolicy } from './private/construct-validation';
import { addressKey, declarePair } from './private/email-alias-rules';
import { EMAIL_ADDRESS_ALIAS_ATTRIBUTES as ATTR, EmailAddressAliasProperties } from './private/email-address-alias-properties';
import { emailAddressIdProblem, instanceIdOf, instanceIdProblem, parseConnectArn } from './private/validation';

/** Properties of an EmailAddressAlias. */
export interface EmailAddressAliasProps extends AliasHandlerOptions {
  /** The Amazon Connect instance, by id or ARN. */
  readonly instanceId: string;

  /**
   * The primary email address, by id or ARN: mail sent to the alias is delivered here
   * (`CfnEmailAddress.attrEmailAddressArn` works as is).
   */
  readonly emailAddressId: string;

  /** The alias email address, by id or ARN. It must not have an alias of its own. */
  readonly aliasEmailAddressId: string;

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

/** Instance values known to be ARNs although unresolved (from `between`), so IAM can name the instance. */
const KNOWN_INSTANCE_ARNS = new Set<string>();

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
    KNOWN_INSTANCE_ARNS.add(primary.instanceArn);
    return new EmailAddressAlias(scope, id, {
      ...rest,
      instanceId: primary.instanceArn,
      emailAddressId: primary.attrEmailAddressArn,
      aliasEmailAddressId: alias.attrEmailAddressArn,
    });
  }

  /**
   * The id of the Connect instance.
   * @attribute
   */
  public readonly instanceId: string;

  /**
   * The id of the primary email address.
   * @attribute
   */
  public readonly emailAddressId: string;

  /**
   * The id of the alias email address.
   * @attribute
   */
  public readonly aliasEmailAddressId: string;

  public constructor(scope: Construct, id: string, props: EmailAddressAliasProps) {
    super(scope, id);
    validateProp(this, props.instanceId, instanceIdProblem);
    validateProp(this, props.emailAddressId, (v) => emailAddressIdProblem('emailAddressId', v) ?? instanceMismatch('emailAddressId', v, props.instanceId));
    validateProp(this, props.aliasEmailAddressId, (v) => emailAddressIdProblem('aliasEmailAddressId', v) ?? instanceMismatch('aliasEmailAddressId', v, props.instanceId));
    if (addressKey(props.emailAddressId) === addressKey(props.aliasEmailAddressId)) {
      throw new Error(`${this.node.path}: aliasEmailAddressId must differ from emailAddressId; an address cannot be its own alias`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy);
    this.node.addValidation({ validate: declarePair(this, props.emailAddressId, props.aliasEmailAddressId) });

    const provider = AliasProvider.of(this, KIND, props);
    provider.grantOnce(`instance:${props.instanceId}`, () => [{
      actions: ['connect:AssociateEmailAddressAlias', 'connect:DisassociateEmailAddressAlias', 'connect:DescribeEmailAddress'],
      resources: [emailAddressesOf(this, props.instanceId)],
    }]);

    const properties: EmailAddressAliasProperties = {
      InstanceId: props.instanceId,
      EmailAddressId: props.emailAddressId,
      AliasEmailAddressId: props.aliasEmailAddressId,
    };
    const resource = provider.newResource(this, 'Custom::ConnectEmailAddressAlias', properties, removalPolicy);

    this.instanceId = resource.getAttString(ATTR.instanceId);
    this.emailAddressId = resource.getAttString(ATTR.emailAddressId);
    this.aliasEmailAddressId = resource.getAttString(ATTR.aliasEmailAddressId);
  }
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
 * The IAM resource for the instance's email addresses. An unresolved instance value may be an id or an ARN,
 * which IAM cannot tell apart, so it falls back to every instance of this account and Region.
 */
function emailAddressesOf(scope: Construct, instance: string): string {
  if (Token.isUnresolved(instance)) {
    return KNOWN_INSTANCE_ARNS.has(instance)
      ? `${instance}/email-address/*`
      : Stack.of(scope).formatArn({ service: 'connect', resource: 'instance', resourceName: '*/email-address/*' });
  }
  const arn = instance.startsWith('arn:') ? instance : undefined;
  return arn
    ? `${arn}/email-address/*`
    : Stack.of(scope).formatArn({ service: 'connect', resource: 'instance', resourceName: `${instance}/email-address/*` });
}
