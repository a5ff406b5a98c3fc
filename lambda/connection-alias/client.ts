import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CLIENT_CONFIG } from '../shared/client-config';
import { isError } from '../shared/errors';
import type { RequestContext } from '../shared/handler';
import type { Owner, OwnershipKeys } from '../shared/ownership';
import { OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY, STACK_TAG_KEY } from '../../lib/private/validation';

/** One client per container, reused across invocations (Lambda keeps the module loaded between events). */
export const workspaces = new WorkSpacesClient(CLIENT_CONFIG);

/** What the steps of one Custom::WorkSpacesConnectionAlias request share. */
export interface ConnectionAliasContext extends RequestContext<WorkSpacesClient> {
  /** This stack resource as an owner: an alias whose owner tag carries its marker is this resource's. */
  readonly owner: Owner;
}

/** WorkSpaces answers InvalidResourceStateException while an alias or association is still settling. */
export function isSettling(error: unknown): boolean {
  return isError(error, 'InvalidResourceStateException');
}

/** The tags that mark an alias as this library's. */
export const ALIAS_KEYS: OwnershipKeys = { owner: OWNER_TAG_KEY, stack: STACK_TAG_KEY, previousOwner: PREVIOUS_OWNER_TAG_KEY };
