/**
 * ResourceProperties of Custom::ConnectEmailAddressAlias, as the construct writes them and the handler
 * reads them. Each address is given exactly one way: by id or ARN (`EmailAddressId`, `AliasEmailAddressId`),
 * or by the email address itself (`EmailAddress`, `AliasEmailAddress`). Ids and ARNs the handler normalises
 * to ids, which the Connect API takes. An address it resolves in the instance with SearchEmailAddresses: an
 * EXACT StringCondition on the field `EmailAddress`, following NextToken through every page, accepting only a
 * result whose EmailAddress equals the given one ignoring case; none found fails the event naming the address
 * and the instance, before any change. Add members only as optional ones: stacks deployed with an older
 * version of the library keep sending the old shape (both id members, no address members).
 */
export interface EmailAddressAliasProperties {
  /** The instance, by id or ARN. */
  readonly InstanceId: string;
  /** The primary address by id or ARN; absent when `EmailAddress` is given. */
  readonly EmailAddressId?: string;
  /** The primary address as an email address (`support@example.my.connect.aws`); absent when `EmailAddressId` is given. */
  readonly EmailAddress?: string;
  /** The alias address by id or ARN; absent when `AliasEmailAddress` is given. */
  readonly AliasEmailAddressId?: string;
  /** The alias address as an email address; absent when `AliasEmailAddressId` is given. */
  readonly AliasEmailAddress?: string;
}

/**
 * Attributes the handler returns in Data, read with Fn::GetAtt. They are ids whichever way the addresses
 * were given: an address given as an email address is reported as the id it resolved to.
 */
export const EMAIL_ADDRESS_ALIAS_ATTRIBUTES = {
  instanceId: 'InstanceId',
  emailAddressId: 'EmailAddressId',
  aliasEmailAddressId: 'AliasEmailAddressId',
} as const;

/**
 * The tags that mark both addresses of a pair the handler associated (Connect gives an association no owner of
 * its own; each address is in at most one pair, so a mark on it is unambiguous). `owner`, `stack` and
 * `previousOwner` follow the library's ownership protocol; `pair` names the pair the marks are for, so that the
 * cleanup Delete of a pair whose primary (or alias) the resource kept for its new pair leaves that address's marks.
 * The handler's IAM policy conditions on `stack`.
 */
export const EMAIL_ADDRESS_MARK_KEYS = {
  owner: 'cdk-aliases:owner',
  stack: 'cdk-aliases:stack',
  previousOwner: 'cdk-aliases:previous-owner',
  pair: 'cdk-aliases:pair',
} as const;
