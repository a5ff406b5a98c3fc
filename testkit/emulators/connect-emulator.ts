import { randomUUID } from 'node:crypto';
import {
  decodePageToken,
  EmulatedEndpoint,
  EmulatorError,
  EmulatorRequest,
  EmulatorResponse,
  encodePageToken,
  FaultPlan,
  parseJsonBody,
  RoutedRequest,
  sha256,
  stableStringify,
} from './emulated-endpoint';

export interface ConnectEmulatorOptions {
  /** Default '111111111111'. */
  accountId?: string;
  /** Only used in ARNs. Default 'us-east-1'. */
  region?: string;
  faults?: FaultPlan;
  /** How long DescribeEmailAddress and SearchEmailAddresses keep showing an address's old alias after a change. Default 0. */
  visibilityDelayMs?: number;
}

/** One primary -> alias link: mail sent to the alias is forwarded to the primary. */
export interface EmulatedEmailAlias {
  instanceId: string;
  /** The primary address. */
  emailAddressId: string;
  aliasEmailAddressId: string;
}

interface EmailAddressRecord {
  readonly id: string;
  readonly emailAddress: string;
  readonly createTimestamp: string;
  modifiedTimestamp: string;
  /** The id of this address's alias (at most one). */
  alias?: string;
  /** What reads still show until `until`: Connect's reads may lag its writes (eventual consistency). */
  lagging?: { readonly alias?: string; readonly until: number };
  readonly tags: Map<string, string>;
}

interface CachedResponse {
  readonly fingerprint: string;
  readonly output: unknown;
}

/** Operations whose ClientToken (an idempotencyToken in the model) makes a retry return the first result. */
const IDEMPOTENT = new Set(['AssociateEmailAddressAlias', 'DisassociateEmailAddressAlias']);
const ALIAS_ACTIONS: Record<string, string | undefined> = {
  'associate-alias': 'AssociateEmailAddressAlias',
  'disassociate-alias': 'DisassociateEmailAddressAlias',
};
const MAX_CLIENT_TOKEN = 500;
const MAX_SEARCH_RESULTS = 100;
const MAX_TAGS = 50;
/** Connect's TagKey pattern; keys starting with aws: are reserved. */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** [assumed] The fields a StringCondition may name: the EmailAddressMetadata members that hold text. */
const SEARCHABLE_FIELDS: Record<string, (a: EmailAddressRecord) => string | undefined> = {
  EmailAddress: (a) => a.emailAddress,
};

const notFound = (message: string) => new EmulatorError(404, 'ResourceNotFoundException', message);
const invalidRequest = (message: string) => new EmulatorError(400, 'InvalidRequestException', message);
const invalidParameter = (message: string) => new EmulatorError(400, 'InvalidParameterException', message);
const conflict = (message: string) => new EmulatorError(409, 'ResourceConflictException', message);

/** Amazon Connect email addresses, their aliases and tags (restJson1), for one account in one Region. */
export class ConnectEmulator extends EmulatedEndpoint {
  public static async start(options: ConnectEmulatorOptions = {}): Promise<ConnectEmulator> {
    const emulator = new ConnectEmulator(options);
    await emulator.start();
    return emulator;
  }

  public readonly accountId: string;
  public readonly region: string;
  private visibilityDelayMs: number;
  private readonly instances = new Map<string, Map<string, EmailAddressRecord>>();
  /** How many calls were answered from the ClientToken cache instead of being applied again. */
  public replays = 0;
  /** Keyed by operation + ClientToken. */
  private readonly tokens = new Map<string, CachedResponse>();

  private constructor(options: ConnectEmulatorOptions) {
    super(options.faults);
    this.accountId = options.accountId ?? '111111111111';
    this.region = options.region ?? 'us-east-1';
    this.visibilityDelayMs = options.visibilityDelayMs ?? 0;
  }

  /** Adds an instance (no-op if it exists); returns its id, a random UUID if none is given. */
  public addInstance(instanceId: string = randomUUID()): string {
    if (!this.instances.has(instanceId)) this.instances.set(instanceId, new Map());
    return instanceId;
  }

  public addEmailAddress(instanceId: string, emailAddress: string, emailAddressId: string = randomUUID(), tags: Record<string, string> = {}): string {
    const addresses = this.instances.get(instanceId);
    if (!addresses) throw new Error(`addEmailAddress: unknown instance ${instanceId}`);
    if (addresses.has(emailAddressId)) throw new Error(`addEmailAddress: ${emailAddressId} already exists`);
    if ([...addresses.values()].some((a) => a.emailAddress === emailAddress)) throw new Error(`addEmailAddress: ${emailAddress} already exists`);
    const now = new Date().toISOString();
    addresses.set(emailAddressId, { id: emailAddressId, emailAddress, createTimestamp: now, modifiedTimestamp: now, tags: new Map(Object.entries(tags)) });
    return emailAddressId;
  }

  /** The tags of an address (a copy). */
  public tagsOf(instanceId: string, emailAddressId: string): Record<string, string> {
    const address = this.instances.get(instanceId)?.get(emailAddressId);
    if (!address) throw new Error(`tagsOf: unknown address ${instanceId}/${emailAddressId}`);
    return Object.fromEntries(address.tags);
  }

  /** Like DeleteEmailAddress, which removes the alias relationships the address took part in. */
  public deleteEmailAddress(instanceId: string, emailAddressId: string): void {
    const addresses = this.instances.get(instanceId);
    if (!addresses?.delete(emailAddressId)) throw new Error(`deleteEmailAddress: unknown address ${instanceId}/${emailAddressId}`);
    for (const address of addresses.values()) {
      if (address.alias === emailAddressId) address.alias = undefined;
    }
  }

  /** Every primary -> alias link. */
  public associations(): EmulatedEmailAlias[] {
    return [...this.instances].flatMap(([instanceId, addresses]) =>
      [...addresses.values()]
        .filter((a) => a.alias !== undefined)
        .map((a) => ({ instanceId, emailAddressId: a.id, aliasEmailAddressId: a.alias! })),
    );
  }

  /** The alias of the given primary address, if it has one. */
  public aliasOf(instanceId: string, emailAddressId: string): string | undefined {
    return this.instances.get(instanceId)?.get(emailAddressId)?.alias;
  }

  public instanceArn(instanceId: string): string {
    return `arn:aws:connect:${this.region}:${this.accountId}:instance/${instanceId}`;
  }

  public emailAddressArn(instanceId: string, emailAddressId: string): string {
    return `${this.instanceArn(instanceId)}/email-address/${emailAddressId}`;
  }

  protected route(request: EmulatorRequest): RoutedRequest {
    const { input: body, error } = parseJsonBody(request.body);
    const segments = request.url.split('?')[0].split('/').slice(1);
    let labels: string[];
    try {
      // Labels arrive percent-encoded ('inst/1' is sent as 'inst%2F1').
      labels = segments.map(decodeURIComponent);
    } catch {
      return { operation: 'UnknownOperation', input: body, error: invalidRequest(`Malformed path ${request.url}`) };
    }
    const [root, instanceId, emailAddressId, action] = labels;
    let operation: string | undefined;
    let input: any = body;
    if (request.method === 'POST' && labels.length === 1 && root === 'search-email-addresses') {
      operation = 'SearchEmailAddresses';
    } else if (root === 'tags' && labels.length === 2 && request.method === 'POST') {
      operation = 'TagResource';
      input = { resourceArn: instanceId, ...body };
    } else if (root === 'tags' && labels.length === 2 && request.method === 'DELETE') {
      operation = 'UntagResource';
      // tagKeys is an httpQuery list: ?tagKeys=a&tagKeys=b
      input = { resourceArn: instanceId, tagKeys: new URLSearchParams(request.url.split('?')[1] ?? '').getAll('tagKeys') };
    } else if (root === 'email-addresses' && labels.length === 4 && request.method === 'POST') {
      operation = ALIAS_ACTIONS[action];
      input = { InstanceId: instanceId, EmailAddressId: emailAddressId, ...body };
    } else if (root === 'email-addresses' && labels.length === 3 && request.method === 'GET') {
      operation = 'DescribeEmailAddress';
      input = { InstanceId: instanceId, EmailAddressId: emailAddressId };
    }
    if (!operation) {
      return { operation: 'UnknownOperation', input, error: new EmulatorError(404, 'UnknownOperationException', `No route for ${request.method} ${request.url}`) };
    }
    return { operation, input, error: error ? new EmulatorError(400, 'SerializationException', error) : undefined };
  }

  protected execute(operation: string, input: any): unknown {
    if (operation === 'TagResource') return this.tagResource(input);
    if (operation === 'UntagResource') return this.untagResource(input);
    if (!IDEMPOTENT.has(operation)) return operation === 'DescribeEmailAddress' ? this.describe(input) : this.search(input);
    const apply = () => (operation === 'AssociateEmailAddressAlias' ? this.associate(input) : this.disassociate(input));

    const token = input.ClientToken;
    if (token === undefined || token === '') return apply();
    if (typeof token !== 'string' || token.length > MAX_CLIENT_TOKEN) throw invalidParameter('ClientToken is not valid.');
    const key = `${operation}\u0000${token}`;
    const { ClientToken: _ignored, ...request } = input;
    const fingerprint = sha256(stableStringify(request));
    const cached = this.tokens.get(key);
    // A retry with the same token gets the first answer without the call being checked or applied again,
    // even if the state has changed since; the token is not reusable for a different request.
    if (cached) {
      if (cached.fingerprint !== fingerprint) throw new EmulatorError(409, 'IdempotencyException', 'An entity with the same name already exists.');
      this.replays++;
      this.replayed = true;
      return cached.output;
    }
    const output = apply();
    // Only successes are remembered, so a refused call can be retried with the same token.
    this.tokens.set(key, { fingerprint, output });
    return output;
  }

  protected errorResponse(error: EmulatorError): EmulatorResponse {
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.errorType },
      body: JSON.stringify({ ...error.fields, Message: error.message }),
    };
  }

  protected successResponse(output: unknown): EmulatorResponse {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(output ?? {}) };
  }

  private associate(input: any): unknown {
    const addresses = this.instance(input.InstanceId);
    const primary = this.address(addresses, input.EmailAddressId);
    const alias = this.address(addresses, aliasIdOf(input));
    if (primary.id === alias.id) throw invalidRequest('An email address cannot be its own alias.');
    // "Each email address can have a maximum of one alias", even a repeat of the same pair is refused.
    if (primary.alias !== undefined) throw conflict(`Email address ${primary.id} already has an alias.`);
    if (primaryOf(addresses, alias.id)) throw conflict(`Email address ${alias.id} is already an alias.`);
    // "You cannot chain email aliases together (alias of an alias)."
    if (alias.alias !== undefined) throw invalidRequest(`Email address ${alias.id} has an alias of its own.`);
    if (primaryOf(addresses, primary.id)) throw invalidRequest(`Email address ${primary.id} is itself an alias.`);
    this.lag(primary);
    primary.alias = alias.id;
    primary.modifiedTimestamp = new Date().toISOString();
    return {};
  }

  /** Keeps what reads show now for `visibilityDelayMs` more, before a write changes it. */
  private lag(address: EmailAddressRecord): void {
    if (this.visibilityDelayMs > 0) {
      address.lagging = { alias: this.shownAlias(address), until: Date.now() + this.visibilityDelayMs };
    }
  }

  /** The alias that reads show for `address` now. */
  private shownAlias(address: EmailAddressRecord): string | undefined {
    return address.lagging && Date.now() < address.lagging.until ? address.lagging.alias : address.alias;
  }

  /** Sets how long reads lag behind writes from now on. */
  public setVisibilityDelay(ms: number): void {
    this.visibilityDelayMs = ms;
  }

  private disassociate(input: any): unknown {
    const addresses = this.instance(input.InstanceId);
    const primary = this.address(addresses, input.EmailAddressId);
    const alias = this.address(addresses, aliasIdOf(input));
    if (primary.alias !== alias.id) throw notFound('The alias association must currently exist.');
    this.lag(primary);
    primary.alias = undefined;
    primary.modifiedTimestamp = new Date().toISOString();
    return {};
  }

  private describe(input: any): unknown {
    const address = this.address(this.instance(input.InstanceId), input.EmailAddressId);
    return {
      EmailAddressId: address.id,
      EmailAddressArn: this.emailAddressArn(input.InstanceId, address.id),
      EmailAddress: address.emailAddress,
      CreateTimestamp: address.createTimestamp,
      ModifiedTimestamp: address.modifiedTimestamp,
      // Only the primary shows the link; an alias's own record does not say it is one.
      AliasConfigurations: aliasConfigurations(this.shownAlias(address)),
      Tags: Object.fromEntries(address.tags),
    };
  }

  /**
   * SearchCriteria (StringCondition, AndConditions, OrConditions) and SearchFilter.TagFilter select addresses.
   * [assumed] Every comparison ignores case, so EXACT may return addresses that differ in case: a caller
   * after one address must compare the results itself.
   */
  private search(input: any): unknown {
    validateCriteria(input.SearchCriteria);
    const addresses = [...this.instance(input.InstanceId).values()]
      .filter((a) => matchesCriteria(a, input.SearchCriteria) && matchesTagFilter(a, input.SearchFilter?.TagFilter));
    const maxResults = input.MaxResults ?? MAX_SEARCH_RESULTS;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_SEARCH_RESULTS) {
      throw invalidParameter(`MaxResults must be between 1 and ${MAX_SEARCH_RESULTS}.`);
    }
    const query = { InstanceId: input.InstanceId, SearchCriteria: input.SearchCriteria, SearchFilter: input.SearchFilter };
    const offset = input.NextToken === undefined ? 0 : decodePageToken(String(input.NextToken), query);
    if (offset === undefined) throw invalidParameter('The NextToken is not valid.');
    const page = addresses.slice(offset, offset + maxResults);
    page.forEach((a) => this.touch(this.emailAddressArn(input.InstanceId, a.id)));
    return {
      EmailAddresses: page.map((a) => ({
        EmailAddressId: a.id,
        EmailAddressArn: this.emailAddressArn(input.InstanceId, a.id),
        EmailAddress: a.emailAddress,
        AliasConfigurations: aliasConfigurations(this.shownAlias(a)),
      })),
      ApproximateTotalCount: addresses.length,
      ...(offset + maxResults < addresses.length ? { NextToken: encodePageToken(offset + maxResults, query) } : {}),
    };
  }

  private instance(instanceId: unknown): Map<string, EmailAddressRecord> {
    const addresses = typeof instanceId === 'string' ? this.instances.get(instanceId) : undefined;
    if (!addresses) throw notFound(`Instance ${String(instanceId)} not found.`);
    return addresses;
  }

  private address(addresses: Map<string, EmailAddressRecord>, emailAddressId: unknown): EmailAddressRecord {
    const address = typeof emailAddressId === 'string' ? addresses.get(emailAddressId) : undefined;
    if (!address) throw notFound(`Email address ${String(emailAddressId)} not found.`);
    for (const [instanceId, held] of this.instances) {
      if (held === addresses) this.touch(this.emailAddressArn(instanceId, address.id), Object.fromEntries(address.tags));
    }
    return address;
  }

  /** The address an email-address ARN of this account and Region names. [assumed] Other ARNs are not found. */
  private addressByArn(arn: unknown): EmailAddressRecord {
    const match = typeof arn === 'string' ? /^arn:aws:connect:([^:]+):(\d{12}):instance\/([^/]+)\/email-address\/([^/]+)$/.exec(arn) : null;
    if (!match) throw invalidParameter(`The resource ARN ${String(arn)} is not valid.`);
    const [, region, account, instanceId, emailAddressId] = match;
    const address = region === this.region && account === this.accountId ? this.instances.get(instanceId)?.get(emailAddressId) : undefined;
    if (!address) throw notFound(`Resource ${arn} not found.`);
    this.touch(arn as string, Object.fromEntries(address.tags));
    return address;
  }

  private tagResource(input: any): unknown {
    const address = this.addressByArn(input.resourceArn);
    const tags = input.tags;
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags) || Object.keys(tags).length === 0) throw invalidParameter('tags is required.');
    for (const [key, value] of Object.entries(tags)) {
      if (!TAG_KEY.test(key)) throw invalidParameter(`The tag key ${key} is not valid.`);
      if (typeof value !== 'string' || value.length > 256) throw invalidParameter(`The tag value for ${key} is not valid.`);
    }
    const merged = new Map([...address.tags, ...Object.entries(tags as Record<string, string>)]);
    if (merged.size > MAX_TAGS) throw invalidParameter(`A resource can have at most ${MAX_TAGS} tags.`);
    address.tags.clear();
    merged.forEach((value, key) => address.tags.set(key, value));
    return {};
  }

  private untagResource(input: any): unknown {
    const address = this.addressByArn(input.resourceArn);
    const keys: unknown[] = input.tagKeys;
    if (!Array.isArray(keys) || keys.length === 0) throw invalidParameter('tagKeys is required.');
    keys.forEach((key) => address.tags.delete(String(key)));
    return {};
  }
}

/** Refuses a malformed criteria tree before any address is looked at (so an empty instance refuses it too). */
function validateCriteria(criteria: any): void {
  if (criteria === undefined || criteria === null) return;
  if (typeof criteria !== 'object') throw invalidParameter('SearchCriteria is not valid.');
  for (const list of [criteria.AndConditions, criteria.OrConditions]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalidParameter('AndConditions and OrConditions must be lists.');
    list.forEach(validateCriteria);
  }
  const condition = criteria.StringCondition;
  if (condition === undefined) return;
  if (!SEARCHABLE_FIELDS[condition.FieldName]) {
    throw invalidParameter(`FieldName ${String(condition.FieldName)} is not supported; use one of ${Object.keys(SEARCHABLE_FIELDS).join(', ')}.`);
  }
  if (typeof condition.Value !== 'string') throw invalidParameter('StringCondition.Value is required.');
  if (!['EXACT', 'STARTS_WITH', 'CONTAINS'].includes(condition.ComparisonType)) throw invalidParameter(`ComparisonType ${String(condition.ComparisonType)} is not valid.`);
}

function matchesCriteria(address: EmailAddressRecord, criteria: any): boolean {
  if (criteria === undefined || criteria === null) return true;
  const { StringCondition: condition, AndConditions: and, OrConditions: or } = criteria;
  if (and !== undefined && !and.every((c: unknown) => matchesCriteria(address, c))) return false;
  if (or !== undefined && !or.some((c: unknown) => matchesCriteria(address, c))) return false;
  if (condition === undefined) return true;
  const actual = (SEARCHABLE_FIELDS[condition.FieldName](address) ?? '').toLowerCase();
  const wanted = String(condition.Value).toLowerCase();
  if (condition.ComparisonType === 'EXACT') return actual === wanted;
  return condition.ComparisonType === 'STARTS_WITH' ? actual.startsWith(wanted) : actual.includes(wanted);
}

function matchesTagFilter(address: EmailAddressRecord, filter: any): boolean {
  if (filter === undefined || filter === null) return true;
  const holds = (c: any) => address.tags.has(c?.TagKey) && (c?.TagValue === undefined || address.tags.get(c.TagKey) === c.TagValue);
  // OrConditions is a list of AND-lists; AndConditions one AND-list.
  if (filter.OrConditions !== undefined && !filter.OrConditions.some((group: any[]) => group.every(holds))) return false;
  if (filter.AndConditions !== undefined && !filter.AndConditions.every(holds)) return false;
  return filter.TagCondition === undefined || holds(filter.TagCondition);
}

function aliasIdOf(input: any): string {
  const aliasId = input.AliasConfiguration?.EmailAddressId;
  if (typeof aliasId !== 'string' || aliasId === '') throw invalidParameter('AliasConfiguration.EmailAddressId is required.');
  return aliasId;
}

function primaryOf(addresses: Map<string, EmailAddressRecord>, aliasId: string): EmailAddressRecord | undefined {
  return [...addresses.values()].find((a) => a.alias === aliasId);
}

function aliasConfigurations(alias: string | undefined): Array<{ EmailAddressId: string }> {
  return alias !== undefined ? [{ EmailAddressId: alias }] : [];
}
