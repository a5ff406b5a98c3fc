import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CLIENT_CONFIG } from '../shared/client-config';
import { isError } from '../shared/errors';
import type { RequestContext } from '../shared/handler';

/** One client per container, reused across invocations (Lambda keeps the module loaded between events). */
export const workspaces = new WorkSpacesClient(CLIENT_CONFIG);

/** What the steps of one Custom::WorkSpacesConnectionAlias request share. */
export interface ConnectionAliasContext extends RequestContext<WorkSpacesClient> {
  /** The owner marker (tag value) of this stack resource: an alias carrying it is this resource's. */
  readonly owner: string;
}

/** WorkSpaces answers InvalidResourceStateException while an alias or association is still settling. */
export function isSettling(error: unknown): boolean {
  return isError(error, 'InvalidResourceStateException');
}
