/** The attributes of an existing connection alias, for `ConnectionAlias.fromConnectionAliasAttributes`. */
export interface ConnectionAliasAttributes {
  /** The id of the connection alias (`wsca-…`). */
  readonly aliasId: string;

  /**
   * The account that owns the alias. Give it for an alias that another account shares with this one: the
   * alias's ARN, and so the permissions to associate it, are in the owner's account.
   * @default - this stack's account
   */
  readonly ownerAccountId?: string;

  /**
   * The alias's connection string (the FQDN users type). It lets a RedirectionRecord name its record, and
   * check it against the hosted zone, at synth.
   * @default - unknown at synth: a RedirectionRecord uses the connection string WorkSpaces reports at deploy time
   */
  readonly connectionString?: string;
}
