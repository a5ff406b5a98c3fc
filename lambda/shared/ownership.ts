import { createHash } from 'node:crypto';

// Neither WorkSpaces aliases nor Connect associations take a ClientToken or carry a creator, so every resource
// this library manages is marked with tags saying which stack resource owns it. The marks are how a redelivered
// Create finds its own earlier work, how a renamed construct (a new logical id in the same stack) takes over what
// the old one managed, and how a Delete knows to leave alone what it does not own.

/** The tag keys that mark one managed thing. Associations keep theirs on the directory, so they name the alias. */
export interface OwnershipKeys {
  /** sha256 of "<stack name>/<logical id>" of the owning resource. */
  readonly owner: string;
  /** The owning stack's name, in clear: IAM policies condition on it (`aws:ResourceTag/<key>`). */
  readonly stack: string;
  /** Set while a rename is unconfirmed: the marker of the resource that handed the thing over. */
  readonly previousOwner: string;
}

/** The request's identity as an owner. */
export interface Owner {
  readonly marker: string;
  /**
   * Markers this resource wrote in earlier versions of the library (a hash of the StackId and the logical id),
   * still recognised as its own.
   */
  readonly legacyMarkers: readonly string[];
  readonly stackName: string;
}

/** The owner that a CloudFormation request acts for. */
export function ownerOf(request: { readonly StackId: string; readonly LogicalResourceId: string }): Owner {
  const stackName = stackNameOf(request.StackId);
  return {
    // The stack *name*, not its id: a stack whose first deployment failed is deleted and created again under the
    // same name with a new id, and must then recognise what its first attempt left behind.
    marker: sha256(`${stackName}/${request.LogicalResourceId}`),
    legacyMarkers: [sha256(`${request.StackId}/${request.LogicalResourceId}`)],
    stackName,
  };
}

/** The stack name in a StackId (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>`). */
export function stackNameOf(stackId: string): string {
  const match = /:stack\/([^/]+)\//.exec(stackId);
  return match ? match[1] : stackId;
}

/** Who holds a thing, as seen by a request about to create (or adopt) it. */
export type Claim =
  /** No mark: made by hand or by other tooling; never adopted. */
  | { readonly kind: 'unmarked' }
  /** This resource's own: an earlier delivery of the request, or a stack recreated under the same name. */
  | { readonly kind: 'own' }
  /** Another resource of the same stack: the construct was renamed or moved, so this resource takes it over. */
  | { readonly kind: 'renamed'; readonly fromMarker: string }
  /** Another stack's. */
  | { readonly kind: 'foreign'; readonly stackName?: string };

export function claimOf(tags: Readonly<Record<string, string>>, owner: Owner, keys: OwnershipKeys): Claim {
  const marker = tags[keys.owner];
  if (marker === undefined) {
    return { kind: 'unmarked' };
  }
  if (isOwn(marker, owner)) {
    return { kind: 'own' };
  }
  if (tags[keys.stack] === owner.stackName) {
    return { kind: 'renamed', fromMarker: marker };
  }
  return { kind: 'foreign', stackName: tags[keys.stack] };
}

/** What a Delete may do with the thing its physical id names. */
export type Release =
  /** Ours and no handover pending: remove it. */
  | { readonly kind: 'remove' }
  /**
   * Ours by a takeover that was never confirmed: this Delete undoes a rename whose deployment is rolling back,
   * so the thing goes back to the resource it came from, untouched.
   */
  | { readonly kind: 'hand-back'; readonly toMarker: string }
  /** Handed over to a renamed resource: this is the old resource's cleanup Delete, which confirms the handover. */
  | { readonly kind: 'confirm-handover' }
  /** Not ours: leave it exactly as it is. */
  | { readonly kind: 'leave'; readonly reason: string };

export function releaseOf(tags: Readonly<Record<string, string>>, owner: Owner, keys: OwnershipKeys): Release {
  const marker = tags[keys.owner];
  const previous = tags[keys.previousOwner];
  if (marker !== undefined && isOwn(marker, owner)) {
    return previous !== undefined && !isOwn(previous, owner) ? { kind: 'hand-back', toMarker: previous } : { kind: 'remove' };
  }
  if (previous !== undefined && isOwn(previous, owner)) {
    return { kind: 'confirm-handover' };
  }
  if (marker === undefined) {
    return { kind: 'leave', reason: 'it carries no owner mark, so this library did not create it' };
  }
  const holder = tags[keys.stack] === undefined ? 'another resource' : `a resource of stack ${tags[keys.stack]}`;
  return { kind: 'leave', reason: `it is owned by ${holder}, not by this one` };
}

/** The marks of a thing this resource creates. */
export function ownMarks(owner: Owner, keys: OwnershipKeys): Record<string, string> {
  return { [keys.owner]: owner.marker, [keys.stack]: owner.stackName };
}

/** The marks that take a thing over from `fromMarker` (a rename), pending the old resource's confirmation. */
export function takeoverMarks(owner: Owner, fromMarker: string, keys: OwnershipKeys): Record<string, string> {
  return { ...ownMarks(owner, keys), [keys.previousOwner]: fromMarker };
}

/** The marks that give a thing back to `toMarker` (set these, then delete `keys.previousOwner`). */
export function handBackMarks(owner: Owner, toMarker: string, keys: OwnershipKeys): Record<string, string> {
  return { [keys.owner]: toMarker, [keys.stack]: owner.stackName };
}

function isOwn(marker: string, owner: Owner): boolean {
  return marker === owner.marker || owner.legacyMarkers.includes(marker);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
