import {
  EMAIL_ADDRESS_ALIAS_ATTRIBUTES,
} from '../../lib/private/email-address-alias-properties';
import {
  emailAddressIdOf,
  emailAddressIdProblem,
  emailAddressProblem,
  instanceIdOf,
  instanceIdProblem,
  parseConnectArn,
} from '../../lib/private/validation';

/** One association as the Connect API names it: ids only, never ARNs. */
export interface AliasPair {
  readonly instanceId: string;
  /** The address mail is forwarded to (the path's EmailAddressId). */
  readonly primaryId: string;
  /** The address that forwards (AliasConfiguration.EmailAddressId). */
  readonly aliasId: string;
}

/** One address as the properties give it: its id, or the email address still to be looked up in the instance. */
export type AddressRef = { readonly id: string } | { readonly emailAddress: string };

/** The pair as declared, before any email address is resolved to its id. */
export interface DeclaredPair {
  readonly instanceId: string;
  readonly primary: AddressRef;
  readonly alias: AddressRef;
}

/** ResourceProperties as they arrive: every scalar a string, but a hand-edited template can send anything. */
export type RawProperties = Readonly<Record<string, unknown>> | undefined;

/** The members that say which pair is declared (ServiceToken, ServiceTimeout and the like do not). */
const PAIR_MEMBERS = ['InstanceId', 'EmailAddressId', 'EmailAddress', 'AliasEmailAddressId', 'AliasEmailAddress'] as const;

/** What is wrong with the properties, naming the property, or undefined if they describe a valid pair. */
export function propertiesProblem(props: RawProperties): string | undefined {
  return parse(props).problem;
}

/** The validated, normalised declaration. Throws an Error naming the bad property before any AWS call. */
export function parseProperties(props: RawProperties): DeclaredPair {
  const { problem, declared } = parse(props);
  if (declared === undefined) {
    throw new Error(problem);
  }
  return declared;
}

/** The declaration, or undefined if the properties are invalid (so this handler never associated them). */
export function tryParseProperties(props: RawProperties): DeclaredPair | undefined {
  return parse(props).declared;
}

/** The pair a declaration names without looking anything up: only when both addresses are given by id. */
export function pairOfIds(declared: DeclaredPair | undefined): AliasPair | undefined {
  if (declared === undefined || !('id' in declared.primary) || !('id' in declared.alias)) {
    return undefined;
  }
  return { instanceId: declared.instanceId, primaryId: declared.primary.id, aliasId: declared.alias.id };
}

/**
 * True if both property sets declare the same pair in the same words: an Update that only changes something
 * else (the ServiceTimeout every stack gets when it upgrades the library) needs no lookup and no change.
 */
export function sameDeclaration(a: RawProperties, b: RawProperties): boolean {
  return PAIR_MEMBERS.every((member) => a?.[member] === b?.[member]);
}

/** The physical id: the association's identity, so a change of any part is a new resource. */
export function physicalIdOf(pair: AliasPair): string {
  return `${pair.instanceId}/${pair.primaryId}/${pair.aliasId}`;
}

/** The pair encoded in a physical id this handler returned, or undefined if it has another form. */
export function pairFromPhysicalId(physicalId: string): AliasPair | undefined {
  // Validation forbids '/' inside ids, so exactly three non-empty parts means it is ours.
  const parts = physicalId.split('/');
  if (parts.length !== 3 || parts.some((part) => part.length === 0)) {
    return undefined;
  }
  const [instanceId, primaryId, aliasId] = parts;
  return { instanceId, primaryId, aliasId };
}

/** True if both describe the same association. */
export function samePair(a: AliasPair, b: AliasPair): boolean {
  return a.instanceId === b.instanceId && a.primaryId === b.primaryId && a.aliasId === b.aliasId;
}

/** The Fn::GetAtt attributes: normalised (and resolved) ids, so templates can pass them to other Connect APIs. */
export function dataOf(pair: AliasPair): Record<string, string> {
  return {
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.instanceId]: pair.instanceId,
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.emailAddressId]: pair.primaryId,
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.aliasEmailAddressId]: pair.aliasId,
  };
}

function parse(props: RawProperties): { problem?: string; declared?: DeclaredPair } {
  const instance = stringProperty(props, 'InstanceId');
  const instanceProblem = instanceIdProblem(instance);
  if (instanceProblem !== undefined) {
    return { problem: instanceProblem };
  }
  const primary = addressOf(props, 'EmailAddressId', 'emailAddressId', 'EmailAddress', 'emailAddress', instance);
  const alias = addressOf(props, 'AliasEmailAddressId', 'aliasEmailAddressId', 'AliasEmailAddress', 'aliasEmailAddress', instance);
  const problem = primary.problem ?? alias.problem;
  if (problem !== undefined) {
    return { problem };
  }
  const [p, a] = [primary.ref!, alias.ref!];
  if (sameAddress(p, a)) {
    return { problem: `aliasEmailAddressId must differ from emailAddressId (an address cannot be its own alias), got '${'id' in a ? a.id : a.emailAddress}' for both` };
  }
  return { declared: { instanceId: instanceIdOf(instance), primary: p, alias: a } };
}

/** One address: exactly one of its id property and its email-address property. */
function addressOf(
  props: RawProperties,
  idKey: string,
  idProperty: string,
  addressKey: string,
  addressProperty: string,
  instance: string,
): { problem?: string; ref?: AddressRef } {
  const id = props?.[idKey];
  const address = props?.[addressKey];
  if ((id === undefined) === (address === undefined)) {
    return { problem: `give exactly one of ${idProperty} (an email address id or ARN) and ${addressProperty} (an email address), ${id === undefined ? 'got neither' : 'not both'}` };
  }
  if (address !== undefined) {
    const value = typeof address === 'string' ? address : '';
    const problem = emailAddressProblem(addressProperty, value);
    return problem === undefined ? { ref: { emailAddress: value } } : { problem };
  }
  const value = typeof id === 'string' ? id : '';
  const problem = emailAddressIdProblem(idProperty, value) ?? sameInstanceProblem(idProperty, value, instance);
  return problem === undefined ? { ref: { id: emailAddressIdOf(value) } } : { problem };
}

/** Connect compares email addresses ignoring case. */
function sameAddress(a: AddressRef, b: AddressRef): boolean {
  if ('id' in a && 'id' in b) {
    return a.id === b.id;
  }
  return 'emailAddress' in a && 'emailAddress' in b && a.emailAddress.toLowerCase() === b.emailAddress.toLowerCase();
}

/** An address given as an ARN must belong to the instance given: the API would look it up in the wrong one. */
function sameInstanceProblem(property: string, address: string, instance: string): string | undefined {
  const arnInstance = parseConnectArn(address)?.instanceId;
  return arnInstance === undefined || arnInstance === instanceIdOf(instance)
    ? undefined
    : `${property} is an ARN in instance '${arnInstance}', but instanceId is '${instanceIdOf(instance)}'; both addresses must be in that instance`;
}

/** The property if it is a string; '' otherwise, which every check rejects with the property's name. */
function stringProperty(props: RawProperties, key: string): string {
  const value = props?.[key];
  return typeof value === 'string' ? value : '';
}
