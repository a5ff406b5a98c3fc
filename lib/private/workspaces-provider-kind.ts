import type { AliasProviderKind } from './alias-provider';

/**
 * The stack's one WorkSpaces provider: it serves Custom::WorkSpacesConnectionAlias and
 * Custom::WorkSpacesConnectionAliasAssociation alike (the handler tells them apart by ResourceType), so a
 * stack with both pays for one function.
 */
export const WORKSPACES_PROVIDER_KIND: AliasProviderKind = {
  id: 'CdkAliasesConnectionAliasProvider',
  handlerAsset: 'connection-alias',
  constructName: 'ConnectionAlias',
  description: 'cdk-aliases: manages WorkSpaces connection aliases (Custom::WorkSpacesConnectionAlias)',
};
