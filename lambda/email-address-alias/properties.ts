import {
  EMAIL_ADDRESS_ALIAS_ATTRIBUTES,
  type EmailAddressAliasProperties,
} from '../../lib/private/email-address-alias-properties';
import {
  emailAddressIdOf,
  emailAddressIdProblem,
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

/** ResourceProperties as they arrive: every scalar a string, but a hand-edited template can send anything. */
export type RawProperties = Readonly<Record<string, unknown>> | undefined;

/** What is wrong with the properties, naming the property, or undefined if they describe a valid pair. */
export function propertiesProblem(props: RawProperties): string | undefined {
  const instance = stringProperty(props, 'InstanceId');
  const primary = stringProperty(props, 'EmailAddressId');
  const alias = stringProperty(props, 'AliasEmailAddressId');
  const shapeProblem =
    instanceIdProblem(instance) ??
    emailAddressIdProblem('emailAddressId', primary) ??
    emailAddressIdProblem('aliasEmailAddressId', alias) ??
    sameInstanceProblem('emailAddressId', primary, instance) ??
    sameInstanceProblem('aliasEmailAddressId', alias, instance);
  if (shapeProblem !== undefined) {
    return shapeProblem;
  }
  return emailAddressIdOf(primary) === emailAddressIdOf(alias)
    ? `aliasEmailAddressId must differ from emailAddressId (an address cannot be its own alias), got '${emailAddressIdOf(alias)}' for both`
    : undefined;
}

/** The validated, normalised pair. Throws an Error naming the bad property before any AWS call. */
export function parseProperties(props: RawProperties): AliasPair {
  const problem = propertiesProblem(props);
  if (problem !== undefined) {
    throw new Error(problem);
  }
  return normalise(props as unknown as EmailAddressAliasProperties);
}

/** The normalised pair, or undefined if the properties are invalid (so this handler never associated them). */
export function tryParseProperties(props: RawProperties): AliasPair | undefined {
  return propertiesProblem(props) === undefined ? normalise(props as unknown as EmailAddressAliasProperties) : undefined;
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

/** The Fn::GetAtt attributes: normalised ids, so templates can pass them to other Connect APIs. */
export function dataOf(pair: AliasPair): Record<string, string> {
  return {
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.instanceId]: pair.instanceId,
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.emailAddressId]: pair.primaryId,
    [EMAIL_ADDRESS_ALIAS_ATTRIBUTES.aliasEmailAddressId]: pair.aliasId,
  };
}

/** Ids from ids-or-ARNs. Only call on properties that passed `propertiesProblem`. */
function normalise(props: EmailAddressAliasProperties): AliasPair {
  return {
    instanceId: instanceIdOf(props.InstanceId),
    primaryId: emailAddressIdOf(props.EmailAddressId ?? ''),
    aliasId: emailAddressIdOf(props.AliasEmailAddressId ?? ''),
  };
}

/** An address given as an ARN must belong to the instance given: the API would look it up in the wrong one. */
function sameInstanceProblem(property: string, address: string, instance: string): string | undefined {
  const arnInstance = parseConnectArn(address)?.instanceId;
  return arnInstance === undefined || arnInstance === instanceIdOf(instance)
    ? undefined
    : `${property} is an ARN in instance '${arnInstance}', but instanceId is '${instanceIdOf(instance)}'; both addresses must be in that instance`;
}

/** The property if it is a string; '' otherwise, which every check rejects with the property's name. */
function stringProperty(props: RawProperties, key: keyof EmailAddressAliasProperties): string {
  const value = props?.[key];
  return typeof value === 'string' ? value : '';
}
