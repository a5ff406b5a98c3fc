import type { ConnectionAliasProperties } from '../../lib/private/connection-alias-properties';
import {
  connectionStringProblem,
  directoryIdProblem,
  sharedAccountIdProblem,
  tagsProblem,
} from '../../lib/private/validation';

/** What the stack declares for one alias, checked again here: a hand-edited template can send anything. */
export interface DesiredAlias {
  readonly connectionString: string;
  readonly directoryId?: string;
  readonly sharedAccountId?: string;
  readonly tags: ReadonlyArray<{ Key: string; Value: string }>;
}

/** Reads and validates ResourceProperties; throws naming the property on a bad value. */
export function parseProperties(properties: Record<string, unknown> | undefined): DesiredAlias {
  const props = (properties ?? {}) as Partial<Record<keyof ConnectionAliasProperties, unknown>>;
  const connectionString = requiredString(props.ConnectionString, 'ConnectionString');
  const directoryId = optionalString(props.DirectoryId, 'DirectoryId');
  const sharedAccountId = optionalString(props.SharedAccountId, 'SharedAccountId');
  const tags = parseTags(props.Tags);
  const problem =
    connectionStringProblem(connectionString) ??
    (directoryId !== undefined ? directoryIdProblem(directoryId) : undefined) ??
    (sharedAccountId !== undefined ? sharedAccountIdProblem(sharedAccountId) : undefined) ??
    tagsProblem(tags);
  if (problem) {
    throw new Error(`Invalid resource properties: ${problem}`);
  }
  return { connectionString, directoryId, sharedAccountId, tags };
}

function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Invalid resource properties: ${name} is required and must be a non-empty string`);
  }
  return value;
}

/** CloudFormation drops undefined properties, but an older template may send '' for "not set". */
function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`Invalid resource properties: ${name} must be a string`);
  }
  return value;
}

function parseTags(value: unknown): Array<{ Key: string; Value: string }> {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.some((tag) => typeof tag?.Key !== 'string')) {
    throw new Error('Invalid resource properties: Tags must be a list of {Key, Value}');
  }
  return value.map((tag) => ({ Key: tag.Key, Value: tag.Value === undefined ? '' : String(tag.Value) }));
}
