/**
 * ResourceProperties of Custom::ConnectEmailAddressAlias, as the construct writes them and the handler
 * reads them. Each value may be an id or an ARN; the handler normalises to ids, which the Connect API takes.
 */
export interface EmailAddressAliasProperties {
  readonly InstanceId: string;
  readonly EmailAddressId: string;
  readonly AliasEmailAddressId: string;
}

/** Attributes the handler returns in Data, read with Fn::GetAtt. */
export const EMAIL_ADDRESS_ALIAS_ATTRIBUTES = {
  instanceId: 'InstanceId',
  emailAddressId: 'EmailAddressId',
  aliasEmailAddressId: 'AliasEmailAddressId',
} as const;
