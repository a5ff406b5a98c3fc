/**
 * ResourceProperties of Custom::WorkSpacesConnectionAlias, as the construct writes them and the handler
 * reads them. CloudFormation delivers every scalar as a string. Add members only as optional ones:
 * stacks deployed with an older version of the library keep sending the old shape.
 */
export interface ConnectionAliasProperties {
  readonly ConnectionString: string;
  readonly DirectoryId?: string;
  readonly SharedAccountId?: string;
  readonly Tags?: ReadonlyArray<{ Key: string; Value: string }>;
}

/** Attributes the handler returns in Data, read with Fn::GetAtt. */
export const CONNECTION_ALIAS_ATTRIBUTES = {
  aliasId: 'AliasId',
  connectionString: 'ConnectionString',
  connectionIdentifier: 'ConnectionIdentifier',
} as const;
