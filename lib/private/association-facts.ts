import type { IConstruct } from 'constructs';

/**
 * What the constructs of this library know at synth about an alias or an association beyond its public
 * attributes (which are Fn::GetAtt tokens): the connection string as the app declared it, so that a
 * RedirectionRecord can be named and checked against its zone without a lookup, and whether a directory is
 * associated at all.
 */
export interface AssociationFacts {
  /** The connection string as declared in the app (a literal or a token); undefined when the app never gave it. */
  readonly declaredConnectionString?: string;
  /** False for an alias that no directory of this stack is associated with: its connectionIdentifier is empty. */
  readonly associated: boolean;
}

const facts = new WeakMap<IConstruct, AssociationFacts>();

export function recordAssociationFacts(construct: IConstruct, value: AssociationFacts): void {
  facts.set(construct, value);
}

/** The facts a construct of this library recorded; undefined for other implementations. */
export function associationFactsOf(construct: IConstruct): AssociationFacts | undefined {
  return facts.get(construct);
}
