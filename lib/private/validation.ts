// Pure checks shared by the constructs (at synth) and the handlers (again at deploy, since a hand-edited
// template or an older library version can send anything). No aws-cdk-lib imports: handlers bundle this.
// Each returns a sentence describing what is wrong, or undefined when the value is allowed.

const CONNECTION_STRING = /^[.0-9a-zA-Z-]{1,255}$/;
const DNS_LABEL = /^[0-9a-zA-Z-]{1,63}$/;
const DIRECTORY_ID = /^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/;
const ACCOUNT_ID = /^\d{12}$/;
const ALIAS_ID = /^wsca-[0-9a-z]{8,63}$/;

export function connectionStringProblem(value: string): string | undefined {
  if (!CONNECTION_STRING.test(value)) {
    return `connectionString must be 1-255 characters of letters, digits, '.' and '-' (the WorkSpaces pattern ^[.0-9a-zA-Z\\-]{1,255}$), got '${value}'`;
  }
  const bad = value.split('.').find((label) => !DNS_LABEL.test(label));
  if (bad !== undefined) {
    return `connectionString must be a valid DNS name: every dot-separated label 1-63 characters, no empty label, got '${value}'`;
  }
  return undefined;
}

export function directoryIdProblem(value: string): string | undefined {
  return DIRECTORY_ID.test(value)
    ? undefined
    : `directoryId must be a WorkSpaces directory id ('d-' and 8-63 hex digits, or 'wsd-' and 8-63 lowercase letters or digits), got '${value}'`;
}

export function sharedAccountIdProblem(value: string): string | undefined {
  return ACCOUNT_ID.test(value) ? undefined : `sharedAccountId must be a 12-digit AWS account id, got '${value}'`;
}

export function connectionAliasIdProblem(value: string): string | undefined {
  return ALIAS_ID.test(value) ? undefined : `connectionAliasId must match ^wsca-[0-9a-z]{8,63}$, got '${value}'`;
}

/**
 * The tags this library marks every connection alias with (see lambda/shared/ownership.ts): who owns it, the
 * owning stack's name in clear (the handler's IAM policy conditions on it), and the previous owner while a
 * rename is unconfirmed. Users may set no key under the `cdk-aliases:` prefix.
 */
export const OWNER_TAG_KEY = 'cdk-aliases:owner';
export const STACK_TAG_KEY = 'cdk-aliases:stack';
export const PREVIOUS_OWNER_TAG_KEY = 'cdk-aliases:previous-owner';
export const RESERVED_TAG_PREFIX = 'cdk-aliases:';

/** WorkSpaces allows 50 tags per resource; the handler keeps three for its marks. */
export const MAX_USER_TAGS = 47;

export function tagsProblem(tags: ReadonlyArray<{ Key: string; Value: string }>): string | undefined {
  if (tags.length > MAX_USER_TAGS) {
    return `tags: at most ${MAX_USER_TAGS} tags can be set on a connection alias (WorkSpaces allows 50 and three are kept for the '${RESERVED_TAG_PREFIX}' marks), got ${tags.length}`;
  }
  for (const { Key: key, Value: value } of tags) {
    if (key.length < 1 || key.length > 127) {
      return `tags: a tag key must be 1-127 characters, got '${key}'`;
    }
    if (key.toLowerCase().startsWith('aws:') || key.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) {
      return `tags: the key '${key}' is reserved (keys starting with 'aws:' or '${RESERVED_TAG_PREFIX}' cannot be set)`;
    }
    if (value.length > 255) {
      return `tags: the value of '${key}' must be at most 255 characters, got ${value.length}`;
    }
  }
  return undefined;
}

// ---- Amazon Connect ----

const CONNECT_ARN = /^arn:[a-z-]+:connect:[a-z0-9-]+:\d{12}:instance\/([^/]+)(?:\/email-address\/([^/]+))?$/;

/** The parts of a Connect instance or email address ARN, or undefined if `value` is not such an ARN. */
export function parseConnectArn(value: string): { instanceId: string; emailAddressId?: string } | undefined {
  const match = CONNECT_ARN.exec(value);
  return match ? { instanceId: match[1], emailAddressId: match[2] } : undefined;
}

/** The instance id, given an instance id or ARN. The Connect API takes ids. */
export function instanceIdOf(value: string): string {
  return parseConnectArn(value)?.instanceId ?? value;
}

/** The email address id, given an email address id or ARN. */
export function emailAddressIdOf(value: string): string {
  return parseConnectArn(value)?.emailAddressId ?? value;
}

export function instanceIdProblem(value: string): string | undefined {
  if (value.startsWith('arn:')) {
    const arn = parseConnectArn(value);
    return arn && !arn.emailAddressId
      ? undefined
      : `instanceId must be an Amazon Connect instance id or an ARN of the form arn:<partition>:connect:<region>:<account>:instance/<id>, got '${value}'`;
  }
  return value.length >= 1 && value.length <= 100 && !value.includes('/')
    ? undefined
    : `instanceId must be 1-100 characters without '/', got '${value}'`;
}

export function emailAddressIdProblem(property: string, value: string): string | undefined {
  if (value.startsWith('arn:')) {
    return parseConnectArn(value)?.emailAddressId
      ? undefined
      : `${property} must be an email address id or an ARN of the form arn:<partition>:connect:<region>:<account>:instance/<id>/email-address/<id>, got '${value}'`;
  }
  return value.length >= 1 && value.length <= 500 && !value.includes('/')
    ? undefined
    : `${property} must be 1-500 characters without '/', got '${value}'`;
}

// ---- WorkSpaces connection alias associations ----

export function aliasIdProblem(value: string): string | undefined {
  return ALIAS_ID.test(value) ? undefined : `aliasId must match ^wsca-[0-9a-z]{8,63}$, got '${value}'`;
}

export function ownerAccountIdProblem(value: string): string | undefined {
  return ACCOUNT_ID.test(value) ? undefined : `ownerAccountId must be a 12-digit AWS account id, got '${value}'`;
}

const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email address as Amazon Connect's EmailAddress shape allows it (1-255 characters, the model's pattern). */
export function emailAddressProblem(property: string, value: string): string | undefined {
  return value.length <= 255 && EMAIL_ADDRESS.test(value)
    ? undefined
    : `${property} must be an email address such as 'support@example.my.connect.aws' (at most 255 characters, one '@', a dot in the domain, no spaces), got '${value}'`;
}

/** An id property given an email address: point to the property that takes one. */
export function addressInIdPropertyProblem(idProperty: string, addressProperty: string, value: string): string | undefined {
  return value.includes('@')
    ? `${idProperty} takes an email address id or ARN, but '${value}' is an email address: give it as ${addressProperty} instead`
    : undefined;
}
