import type { ConnectionAliasAssociationProperties } from '../../lib/private/connection-alias-association-properties';
import { aliasIdProblem, directoryIdProblem, ownerAccountIdProblem } from '../../lib/private/validation';

/** What the stack declares for one association, checked again here: a hand-edited template can send anything. */
export interface DesiredAssociation {
  readonly aliasId: string;
  readonly ownerAccountId: string;
  readonly directoryId: string;
}

/** Reads and validates ResourceProperties; throws naming the property on a bad value. */
export function parseAssociationProperties(properties: Record<string, unknown> | undefined): DesiredAssociation {
  const props = (properties ?? {}) as Partial<Record<keyof ConnectionAliasAssociationProperties, unknown>>;
  const aliasId = required(props.AliasId, 'AliasId');
  const ownerAccountId = required(props.OwnerAccountId, 'OwnerAccountId');
  const directoryId = required(props.DirectoryId, 'DirectoryId');
  const problem = aliasIdProblem(aliasId) ?? ownerAccountIdProblem(ownerAccountId) ?? directoryIdProblem(directoryId);
  if (problem) {
    throw new Error(`Invalid resource properties: ${problem}`);
  }
  return { aliasId, ownerAccountId, directoryId };
}

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Invalid resource properties: ${name} is required and must be a non-empty string`);
  }
  return value;
}

/** The account in a StackId (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>`): the caller's. */
export function accountOfStack(stackId: string): string {
  const account = stackId.split(':')[4];
  if (!/^\d{12}$/.test(account ?? '')) {
    throw new Error(`Cannot read the account from StackId ${stackId}`);
  }
  return account;
}

/** The Region in a StackId, for messages and commands the user can paste. */
export function regionOfStack(stackId: string): string {
  return stackId.split(':')[3] ?? '';
}
