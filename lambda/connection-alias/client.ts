import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CLIENT_CONFIG } from '../shared/client-config';

/** One client per container, reused across invocations (Lambda keeps the module loaded between events). */
export const workspaces = new WorkSpacesClient(CLIENT_CONFIG);

/** WorkSpaces answers InvalidResourceStateException while an alias or association is still settling. */
export function isSettling(error: unknown): boolean {
  return (error as { name?: string })?.name === 'InvalidResourceStateException';
}
