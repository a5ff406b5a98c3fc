import { createHash } from 'crypto';
import type { CustomResourceEvent } from '../shared/cloudformation';
import type { AliasPair } from './properties';

/** The Connect operations that take a ClientToken. */
export type TokenOperation = 'AssociateEmailAddressAlias' | 'DisassociateEmailAddressAlias';

/**
 * The ClientToken for one call made for one CloudFormation request.
 *
 * The SDK would fill in a random UUID, so a redelivered event (CloudFormation or Lambda retrying the same
 * RequestId) would look like a new request to Connect. Hashing the request's identity with the operation
 * and the pair gives the same token for the same call and never shares one between different requests or
 * operations. A sha256 hex digest is 64 characters, well under Connect's 500.
 */
export function clientToken(event: CustomResourceEvent, operation: TokenOperation, pair: AliasPair): string {
  const identity = [
    event.StackId,
    event.LogicalResourceId,
    event.RequestId,
    operation,
    pair.instanceId,
    pair.primaryId,
    pair.aliasId,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
