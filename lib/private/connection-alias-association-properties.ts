/**
 * ResourceProperties of Custom::WorkSpacesConnectionAliasAssociation, as the construct writes them and the
 * handler reads them. CloudFormation delivers every scalar as a string. Add members only as optional ones:
 * stacks deployed with an older version of the library keep sending the old shape.
 *
 * - `AliasId`: the connection alias (`wsca-…`). The alias may belong to another account that shares it with
 *   this one. A change means another alias: a replacement (new physical id), whose cleanup Delete removes the
 *   old alias's association.
 * - `OwnerAccountId`: the 12-digit account that owns the alias: this stack's account unless the alias is shared
 *   with it. It tells the handler which status means "associated" (`ASSOCIATED_WITH_OWNER_ACCOUNT` when it is
 *   this account, `ASSOCIATED_WITH_SHARED_ACCOUNT` otherwise) and builds the alias ARN in messages.
 * - `DirectoryId`: a directory of this account in this Region. A change moves the association in place
 *   (disassociate, wait, associate, wait); the physical id stays the same.
 */
export interface ConnectionAliasAssociationProperties {
  readonly AliasId: string;
  readonly OwnerAccountId: string;
  readonly DirectoryId: string;
}

/** Attributes the handler returns in Data, read with Fn::GetAtt. */
export const CONNECTION_ALIAS_ASSOCIATION_ATTRIBUTES = {
  /** The identifier of the association, for the DNS TXT record of cross-Region redirection. */
  connectionIdentifier: 'ConnectionIdentifier',
  /** The alias id, as DescribeConnectionAliases reports it. */
  aliasId: 'AliasId',
  /** The alias's connection string, as DescribeConnectionAliases reports it. */
  connectionString: 'ConnectionString',
} as const;
