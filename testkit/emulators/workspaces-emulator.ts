import { randomInt } from 'node:crypto';
import type { Caller } from './caller';
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
} from './emulated-endpoint';

export interface WorkSpacesEmulatorOptions {
  /**
   * The account of callers whose access key names none (see `accessKeys`), and the owner of seeded aliases
   * by default. Default '111111111111'.
   */
  accountId?: string;
  /** The Region of requests that carry no credential scope, and of seeded aliases by default. Default 'us-east-1'. */
  region?: string;
  /** Access key id -> account id, besides the keys of the form AKID<12-digit account>. */
  accessKeys?: Record<string, string>;
  /** CREATING -> CREATED after this long (default 300). */
  createDelayMs?: number;
  /** DELETING -> gone (default 300). */
  deleteDelayMs?: number;
  /** PENDING_ASSOCIATION -> ASSOCIATED_WITH_OWNER_ACCOUNT (default 300). */
  associateDelayMs?: number;
  /** PENDING_DISASSOCIATION -> association removed (default 300). */
  disassociateDelayMs?: number;
  /** Default 20, the (non-adjustable) quota per account and Region. */
  aliasLimit?: number;
  /**
   * If given (or if addDirectory is called), only the listed directories exist; these belong to `accountId` in
   * `region`. Else any directory id is accepted as the caller's own.
   */
  directories?: string[];
  faults?: FaultPlan;
}

export interface EmulatedAssociation {
  associatedAccountId: string;
  resourceId: string;
  connectionIdentifier: string;
  associationStatus: string;
}

export interface EmulatedConnectionAlias {
  aliasId: string;
  /** The Region the alias lives in. */
  region: string;
  connectionString: string;
  state: 'CREATING' | 'CREATED' | 'DELETING';
  ownerAccountId: string;
  tags: Record<string, string>;
  associations: EmulatedAssociation[];
  sharedWith: string[];
}

type Delays = Required<Pick<WorkSpacesEmulatorOptions, 'createDelayMs' | 'deleteDelayMs' | 'associateDelayMs' | 'disassociateDelayMs'>>;

interface AssociationRecord {
  readonly accountId: string;
  readonly resourceId: string;
  readonly connectionIdentifier: string;
  readonly byOwner: boolean;
  /** PENDING_ASSOCIATION until this time. */
  readonly associatedAt: number;
  /** Set by a disassociate: PENDING_DISASSOCIATION until this time, then the entry is dropped. */
  removedAt?: number;
}

interface AliasRecord {
  readonly aliasId: string;
  readonly region: string;
  readonly connectionString: string;
  readonly ownerAccountId: string;
  /** CREATING until this time. */
  readonly createdAt: number;
  /** Set by a delete: DELETING until this time, then the alias is gone. */
  goneAt?: number;
  readonly tags: Map<string, string>;
  associations: AssociationRecord[];
  /** WorkSpaces lets an alias be shared with one other account at most. */
  sharedWith?: string;
}

const TARGET_PREFIX = 'WorkspacesService.';
const CONNECTION_STRING = /^[.0-9a-zA-Z-]{1,255}$/;
const AWS_ACCOUNT = /^\d{12}$/;
const MAX_TAGS = 50;
const MAX_PAGE = 25;

const invalidParameter = (message: string) => new EmulatorError(400, 'InvalidParameterValuesException', message);
const notFound = (resourceId: unknown) =>
  new EmulatorError(400, 'ResourceNotFoundException', `The resource ${String(resourceId)} could not be found.`, { ResourceId: resourceId });
const invalidState = (message: string) => new EmulatorError(400, 'InvalidResourceStateException', message);
const associated = (message: string) => new EmulatorError(400, 'ResourceAssociatedException', message);
const limitExceeded = (message: string) => new EmulatorError(400, 'ResourceLimitExceededException', message);

/**
 * WorkSpaces connection aliases (awsJson1_1) for any number of accounts and Regions behind one endpoint: the
 * caller's account comes from its SigV4 access key, the Region from its credential scope. Sharing is modelled:
 * the account an alias is shared with may see it by id, associate it with its own directory and remove only
 * its own association; the owner may not unshare or delete it meanwhile. Create, delete, associate and
 * disassociate are asynchronous in AWS; their end states are resolved lazily from Date.now(), so nothing keeps
 * running after stop().
 */
export class WorkSpacesEmulator extends EmulatedEndpoint {
  public static async start(options: WorkSpacesEmulatorOptions = {}): Promise<WorkSpacesEmulator> {
    const emulator = new WorkSpacesEmulator(options);
    await emulator.start();
    return emulator;
  }

  /** Every alias this emulator created, in order: lets tests tell a retry from a duplicate. */
  public readonly created: Array<{ readonly aliasId: string; readonly accountId: string; readonly region: string; readonly at: number }> = [];
  public readonly accountId: string;
  public readonly region: string;
  private readonly delays: Delays;
  private readonly aliasLimit: number;
  /** Directory id -> the account and Region it belongs to; undefined: any id is the caller's directory. */
  private directories?: Map<string, { readonly accountId: string; readonly region: string }>;
  /** Insertion order = creation order, which is also the Describe order. Alias ids are unique across Regions. */
  private readonly records = new Map<string, AliasRecord>();
  /** Connection string -> the account it is reserved for: once created, a string belongs to that account for good. */
  private readonly reserved = new Map<string, string>();
  /** Tags of directories, by "<account>/<region>/<directory id>". */
  private readonly directoryTagMaps = new Map<string, Map<string, string>>();
  private readonly operations: ReadonlyMap<string, (input: any, now: number, caller: Caller) => unknown>;

  private constructor(options: WorkSpacesEmulatorOptions) {
    super(options.faults, { accessKeys: options.accessKeys, defaultAccountId: options.accountId, defaultRegion: options.region });
    this.accountId = options.accountId ?? '111111111111';
    this.region = options.region ?? 'us-east-1';
    this.delays = {
      createDelayMs: options.createDelayMs ?? 300,
      deleteDelayMs: options.deleteDelayMs ?? 300,
      associateDelayMs: options.associateDelayMs ?? 300,
      disassociateDelayMs: options.disassociateDelayMs ?? 300,
    };
    this.aliasLimit = options.aliasLimit ?? 20;
    if (options.directories) {
      this.directories = new Map(options.directories.map((id) => [id, { accountId: this.accountId, region: this.region }]));
    }
    this.operations = new Map<string, (input: any, now: number, caller: Caller) => unknown>([
      ['CreateConnectionAlias', (i, now, c) => this.createConnectionAlias(i, now, c)],
      ['DescribeConnectionAliases', (i, now, c) => this.describeConnectionAliases(i, now, c)],
      ['DeleteConnectionAlias', (i, now, c) => this.deleteConnectionAlias(i, now, c)],
      ['AssociateConnectionAlias', (i, now, c) => this.associateConnectionAlias(i, now, c)],
      ['DisassociateConnectionAlias', (i, now, c) => this.disassociateConnectionAlias(i, now, c)],
      ['UpdateConnectionAliasPermission', (i, now, c) => this.updateConnectionAliasPermission(i, now, c)],
      ['DescribeConnectionAliasPermissions', (i, _now, c) => this.describeConnectionAliasPermissions(i, c)],
      ['CreateTags', (i, _now, c) => this.createTags(i, c)],
      ['DeleteTags', (i, _now, c) => this.deleteTags(i, c)],
      ['DescribeTags', (i, _now, c) => this.describeTags(i, c)],
    ]);
  }

  /** Declares a directory of `accountId` in `region` (defaults: the emulator's); from then on only declared directories exist. */
  public addDirectory(directoryId: string, location: { accountId?: string; region?: string } = {}): void {
    this.directories ??= new Map();
    this.directories.set(directoryId, { accountId: location.accountId ?? this.accountId, region: location.region ?? this.region });
  }

  /** The tags of a directory (default: of the emulator's account and Region). A copy. */
  public directoryTags(directoryId: string, location: { accountId?: string; region?: string } = {}): Record<string, string> {
    const key = `${location.accountId ?? this.accountId}/${location.region ?? this.region}/${directoryId}`;
    return Object.fromEntries(this.directoryTagMaps.get(key) ?? []);
  }

  /** The ARN of an alias, in its owner's account and its Region. */
  public aliasArn(aliasId: string): string {
    const alias = this.records.get(aliasId);
    if (!alias) throw new Error(`aliasArn: unknown alias ${aliasId}`);
    return arnOf(alias);
  }

  /**
   * Live aliases (not yet gone), with state and associations resolved now, optionally only those of one owner
   * account and/or Region. Deep copies.
   */
  public aliases(filter: { accountId?: string; region?: string } = {}): EmulatedConnectionAlias[] {
    const now = this.settle();
    return [...this.records.values()]
      .filter((a) => (filter.accountId === undefined || a.ownerAccountId === filter.accountId) && (filter.region === undefined || a.region === filter.region))
      .map((a) => ({
      aliasId: a.aliasId,
      region: a.region,
      connectionString: a.connectionString,
      state: stateOf(a, now),
      ownerAccountId: a.ownerAccountId,
      tags: Object.fromEntries(a.tags),
      associations: a.associations.map((x) => ({
        associatedAccountId: x.accountId,
        resourceId: x.resourceId,
        connectionIdentifier: x.connectionIdentifier,
        associationStatus: statusOf(x, now),
      })),
      sharedWith: a.sharedWith ? [a.sharedWith] : [],
    }));
  }

  /**
   * A pre-existing CREATED alias that the code under test did not create (default: the emulator's account and
   * Region), optionally with a given id and shared with an account; returns its id.
   */
  public seedAlias(props: {
    connectionString: string; tags?: Record<string, string>; accountId?: string; region?: string; aliasId?: string; sharedWith?: string;
  }): string {
    const now = this.settle();
    const owner = { accountId: props.accountId ?? this.accountId, region: props.region ?? this.region };
    if (this.liveWithString(props.connectionString, owner)) throw new Error(`seedAlias: ${props.connectionString} already exists`);
    if (props.aliasId !== undefined && this.records.has(props.aliasId)) throw new Error(`seedAlias: ${props.aliasId} already exists`);
    const aliasId = this.insert(props.connectionString, new Map(Object.entries(props.tags ?? {})), now, owner, props.aliasId);
    this.records.get(aliasId)!.sharedWith = props.sharedWith;
    return aliasId;
  }

  /** The shared account associates the alias with one of its directories; this takes effect at once. */
  public associateFromSharedAccount(aliasId: string, accountId: string, directoryId: string): void {
    const now = this.settle();
    const alias = this.records.get(aliasId);
    if (!alias) throw new Error(`associateFromSharedAccount: unknown alias ${aliasId}`);
    if (stateOf(alias, now) !== 'CREATED') throw new Error(`associateFromSharedAccount: ${aliasId} is not CREATED`);
    if (alias.sharedWith !== accountId) throw new Error(`associateFromSharedAccount: ${aliasId} is not shared with ${accountId}`);
    if (alias.associations.length > 0) throw new Error(`associateFromSharedAccount: ${aliasId} is already associated`);
    alias.associations.push({ accountId, resourceId: directoryId, connectionIdentifier: randomAlnum(10), byOwner: false, associatedAt: now });
  }

  /** The shared account disassociates the alias (takes effect at once), so the owner can unshare and delete it. */
  public disassociateFromSharedAccount(aliasId: string): void {
    this.settle();
    const alias = this.records.get(aliasId);
    if (!alias) throw new Error(`disassociateFromSharedAccount: unknown alias ${aliasId}`);
    alias.associations = alias.associations.filter((x) => x.byOwner);
  }

  /** Changes the delays of transitions started from now on; those already started keep their times. */
  public setDelays(
    delays: Partial<Pick<WorkSpacesEmulatorOptions, 'createDelayMs' | 'deleteDelayMs' | 'associateDelayMs' | 'disassociateDelayMs'>>,
  ): void {
    for (const [key, value] of Object.entries(delays) as Array<[keyof Delays, number | undefined]>) {
      if (value !== undefined) this.delays[key] = value;
    }
  }

  protected route(request: EmulatorRequest): RoutedRequest {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || 'UnknownOperation';
    const { input, error } = parseJsonBody(request.body);
    if (error) return { operation, input, error: new EmulatorError(400, 'SerializationException', error) };
    if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || !this.operations.has(operation)) {
      return { operation, input, error: new EmulatorError(400, 'UnknownOperationException', `Unknown operation ${target}`) };
    }
    return { operation, input };
  }

  protected execute(operation: string, input: any, caller: Caller): unknown {
    return this.operations.get(operation)!(input, this.settle(), caller);
  }

  protected errorResponse(error: EmulatorError): EmulatorResponse {
    return {
      status: error.status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ ...error.fields, __type: error.errorType, message: error.message }),
    };
  }

  protected successResponse(output: unknown): EmulatorResponse {
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(output ?? {}) };
  }

  private createConnectionAlias(input: any, now: number, caller: Caller): unknown {
    const connectionString = input.ConnectionString;
    if (typeof connectionString !== 'string' || !CONNECTION_STRING.test(connectionString)) {
      throw invalidParameter(`The connection string ${String(connectionString)} is not valid.`);
    }
    // AWS: "The connection string is globally reserved for your account", even after every alias of it is gone.
    // [assumed] Another account's attempt is refused as ResourceAlreadyExistsException.
    const reservedFor = this.reserved.get(connectionString.toLowerCase());
    if (reservedFor !== undefined && reservedFor !== caller.accountId) {
      throw new EmulatorError(400, 'ResourceAlreadyExistsException', `The connection string ${connectionString} is reserved for another account.`);
    }
    // The quota is per account and Region; DELETING aliases still hold their slot and their string until they are gone.
    const own = [...this.records.values()].filter((a) => a.ownerAccountId === caller.accountId && a.region === caller.region);
    if (own.length >= this.aliasLimit) throw limitExceeded(`You have reached the limit of ${this.aliasLimit} connection aliases.`);
    if (this.liveWithString(connectionString, caller)) throw new EmulatorError(400, 'ResourceAlreadyExistsException', `The connection alias ${connectionString} already exists.`);
    const tags = new Map<string, string>();
    for (const [key, value] of tagEntries(input.Tags)) tags.set(key, value);
    if (tags.size > MAX_TAGS) throw limitExceeded(`A resource can have at most ${MAX_TAGS} tags.`);
    const aliasId = this.insert(connectionString, tags, now + this.delays.createDelayMs, caller);
    this.touch(this.aliasArn(aliasId));
    return { AliasId: aliasId };
  }

  private describeConnectionAliases(input: any, now: number, caller: Caller): unknown {
    const { AliasIds: aliasIds, ResourceId: resourceId, Limit: limit = MAX_PAGE, NextToken: nextToken } = input;
    // Real quirk (boto/boto3#3260): the two filters together are refused with this misleading message.
    if (aliasIds !== undefined && resourceId !== undefined) throw invalidParameter('The value for the connection alias is null.');
    if (aliasIds !== undefined && (!Array.isArray(aliasIds) || aliasIds.length < 1 || aliasIds.length > MAX_PAGE)) {
      throw invalidParameter(`AliasIds must hold 1 to ${MAX_PAGE} ids.`);
    }
    if (resourceId !== undefined && (typeof resourceId !== 'string' || resourceId === '')) throw invalidParameter('ResourceId must not be empty.');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter(`Limit must be between 1 and ${MAX_PAGE}.`);

    // Unknown ids are simply not listed: Describe has no ResourceNotFoundException. Only the caller's Region
    // is searched. [assumed] The account an alias is shared with sees it only when it asks by AliasIds; a
    // listing or a ResourceId filter shows the caller's own aliases alone.
    const matching = [...this.records.values()].filter((a) => a.region === caller.region && (
      aliasIds !== undefined
        ? aliasIds.includes(a.aliasId) && this.visibleTo(a, caller)
        : a.ownerAccountId === caller.accountId && (resourceId === undefined || a.associations.some((x) => x.resourceId === resourceId))
    ));
    matching.forEach((a) => this.touch(arnOf(a)));
    const query = { aliasIds, resourceId };
    const offset = nextToken === undefined ? 0 : decodePageToken(String(nextToken), query);
    if (offset === undefined) throw invalidParameter('The NextToken is not valid.');
    const page = matching.slice(offset, offset + limit);
    return {
      ConnectionAliases: page.map((a) => ({
        ConnectionString: a.connectionString,
        AliasId: a.aliasId,
        State: stateOf(a, now),
        OwnerAccountId: a.ownerAccountId,
        // The model's Associations list has min 1, so AWS leaves it out rather than sending [].
        // [assumed] The shared account sees every association of the alias, as the owner does.
        ...(a.associations.length > 0
          ? {
            Associations: a.associations.map((x) => ({
              AssociationStatus: statusOf(x, now),
              AssociatedAccountId: x.accountId,
              ResourceId: x.resourceId,
              ConnectionIdentifier: x.connectionIdentifier,
            })),
          }
          : {}),
      })),
      ...(offset + limit < matching.length ? { NextToken: encodePageToken(offset + limit, query) } : {}),
    };
  }

  private deleteConnectionAlias(input: any, now: number, caller: Caller): unknown {
    const alias = this.findOwned(input.AliasId, caller, 'delete');
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    // AWS refuses to delete an alias that is associated or shared: the shared account disassociates, the
    // owner unshares, and only then can the owner delete.
    if (alias.associations.length > 0 || alias.sharedWith) {
      throw associated(`The connection alias ${alias.aliasId} is associated with a directory or shared with an account.`);
    }
    alias.goneAt = now + this.delays.deleteDelayMs;
    return {};
  }

  private associateConnectionAlias(input: any, now: number, caller: Caller): unknown {
    const alias = this.find(input.AliasId, caller);
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    const resourceId = input.ResourceId;
    if (typeof resourceId !== 'string' || resourceId === '') throw invalidParameter('ResourceId must not be empty.');
    // The directory must be the caller's own, in the alias's Region.
    const directory = this.directories?.get(resourceId);
    if (this.directories && (!directory || directory.accountId !== caller.accountId || directory.region !== caller.region)) throw notFound(resourceId);
    // "A connection alias can be associated with only one directory per AWS Region", whichever account did it.
    if (alias.associations.length > 0) throw associated(`The connection alias ${alias.aliasId} is already associated with a directory.`);
    const connectionIdentifier = randomAlnum(10);
    alias.associations.push({
      accountId: caller.accountId,
      resourceId,
      connectionIdentifier,
      byOwner: caller.accountId === alias.ownerAccountId,
      associatedAt: now + this.delays.associateDelayMs,
    });
    this.touch(arnOf(alias));
    this.touch(`arn:aws:workspaces:${caller.region}:${caller.accountId}:directoryid/${resourceId}`);
    return { ConnectionIdentifier: connectionIdentifier };
  }

  private disassociateConnectionAlias(input: any, now: number, caller: Caller): unknown {
    const alias = this.find(input.AliasId, caller);
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    // Only the account that owns the directory can disassociate it (the owner cannot remove the shared account's).
    const association = alias.associations.find((x) => x.accountId === caller.accountId);
    if (!association) throw invalidState('The connection alias is not associated with a directory owned by this account');
    const status = statusOf(association, now);
    if (status.startsWith('PENDING_')) throw invalidState(`The association of ${alias.aliasId} is ${status}.`);
    association.removedAt = now + this.delays.disassociateDelayMs;
    this.touch(arnOf(alias));
    return {};
  }

  private updateConnectionAliasPermission(input: any, now: number, caller: Caller): unknown {
    const alias = this.findOwned(input.AliasId, caller, 'share');
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    const { SharedAccountId: account, AllowAssociation: allow } = input.ConnectionAliasPermission ?? {};
    if (typeof account !== 'string' || !AWS_ACCOUNT.test(account) || account === alias.ownerAccountId) {
      throw invalidParameter(`The shared account ${String(account)} is not valid.`);
    }
    if (typeof allow !== 'boolean') throw invalidParameter('AllowAssociation must be a boolean.');
    if (allow) {
      // Sharing is limited to one other account per alias.
      if (alias.sharedWith && alias.sharedWith !== account) throw limitExceeded(`The connection alias ${alias.aliasId} is already shared with another account.`);
      alias.sharedWith = account;
    } else if (alias.sharedWith === account) {
      if (alias.associations.some((x) => x.accountId === account)) {
        throw associated(`Account ${account} still has the connection alias ${alias.aliasId} associated with a directory.`);
      }
      alias.sharedWith = undefined;
    }
    return {};
  }

  private describeConnectionAliasPermissions(input: any, caller: Caller): unknown {
    const alias = this.findOwned(input.AliasId, caller, 'describe the permissions of');
    return {
      AliasId: alias.aliasId,
      ConnectionAliasPermissions: alias.sharedWith ? [{ SharedAccountId: alias.sharedWith, AllowAssociation: true }] : [],
    };
  }

  private createTags(input: any, caller: Caller): unknown {
    const resource = this.taggable(input.ResourceId, caller, 'tag');
    const merged = new Map(resource.tags);
    for (const [key, value] of tagEntries(input.Tags)) merged.set(key, value);
    if (merged.size > MAX_TAGS) throw limitExceeded(`A resource can have at most ${MAX_TAGS} tags.`);
    resource.tags.clear();
    for (const [key, value] of merged) resource.tags.set(key, value);
    return {};
  }

  private deleteTags(input: any, caller: Caller): unknown {
    const resource = this.taggable(input.ResourceId, caller, 'untag');
    if (!Array.isArray(input.TagKeys)) throw invalidParameter('TagKeys is required.');
    for (const key of input.TagKeys) resource.tags.delete(String(key));
    return {};
  }

  private describeTags(input: any, caller: Caller): unknown {
    const resource = this.taggable(input.ResourceId, caller, 'describe the tags of');
    return { TagList: [...resource.tags].map(([Key, Value]) => ({ Key, Value })) };
  }

  /**
   * What CreateTags, DeleteTags and DescribeTags act on: an alias of the caller's own, or a directory of the
   * caller's in its Region (WorkSpaces tags registered directories by their id too). [assumed] A directory that is
   * not declared (when directories are declared), or another account's, is ResourceNotFoundException.
   */
  private taggable(resourceId: unknown, caller: Caller, action: string): { readonly tags: Map<string, string> } {
    if (typeof resourceId === 'string' && /^(d|wsd)-/.test(resourceId)) {
      const directory = this.directories?.get(resourceId);
      if (this.directories && (!directory || directory.accountId !== caller.accountId || directory.region !== caller.region)) throw notFound(resourceId);
      const key = `${caller.accountId}/${caller.region}/${resourceId}`;
      if (!this.directoryTagMaps.has(key)) this.directoryTagMaps.set(key, new Map());
      this.touch(`arn:aws:workspaces:${caller.region}:${caller.accountId}:directoryid/${resourceId}`);
      return { tags: this.directoryTagMaps.get(key)! };
    }
    return this.findOwned(resourceId, caller, action);
  }

  /** Drops aliases and associations whose removal has completed; returns the time it resolved against. */
  private settle(): number {
    const now = Date.now();
    for (const alias of [...this.records.values()]) {
      if (alias.goneAt !== undefined && now >= alias.goneAt) {
        this.records.delete(alias.aliasId);
        continue;
      }
      alias.associations = alias.associations.filter((x) => x.removedAt === undefined || now < x.removedAt);
    }
    return now;
  }

  /** The owner sees its aliases; the account an alias is shared with sees it too. Both only in its Region. */
  private visibleTo(alias: AliasRecord, caller: Caller): boolean {
    return alias.region === caller.region && (alias.ownerAccountId === caller.accountId || alias.sharedWith === caller.accountId);
  }

  /** An alias the caller can see (its own, or one shared with it), in the caller's Region. */
  private find(aliasId: unknown, caller: Caller): AliasRecord {
    if (typeof aliasId !== 'string' || aliasId === '') throw invalidParameter('The alias id must not be empty.');
    const alias = this.records.get(aliasId);
    if (!alias || !this.visibleTo(alias, caller)) throw notFound(aliasId);
    this.touch(arnOf(alias));
    return alias;
  }

  /**
   * An alias of the caller's own. [assumed] The account it is shared with gets AccessDeniedException (not
   * ResourceNotFoundException, which a handler could take for "already gone").
   */
  private findOwned(aliasId: unknown, caller: Caller, action: string): AliasRecord {
    const alias = this.find(aliasId, caller);
    if (alias.ownerAccountId !== caller.accountId) {
      throw new EmulatorError(400, 'AccessDeniedException', `Account ${caller.accountId} cannot ${action} the connection alias ${alias.aliasId} of account ${alias.ownerAccountId}.`);
    }
    return alias;
  }

  private liveWithString(connectionString: string, owner: { accountId: string; region: string }): AliasRecord | undefined {
    return [...this.records.values()].find((a) => a.connectionString === connectionString && a.ownerAccountId === owner.accountId && a.region === owner.region);
  }

  private insert(connectionString: string, tags: Map<string, string>, createdAt: number, owner: { accountId: string; region: string }, given?: string): string {
    let aliasId = given ?? '';
    while (aliasId === '' || (given === undefined && this.records.has(aliasId))) {
      aliasId = `wsca-${randomString(10, '0123456789abcdefghijklmnopqrstuvwxyz')}`;
    }
    this.records.set(aliasId, { aliasId, region: owner.region, connectionString, ownerAccountId: owner.accountId, createdAt, tags, associations: [] });
    this.reserved.set(connectionString.toLowerCase(), owner.accountId);
    this.created.push({ aliasId, accountId: owner.accountId, region: owner.region, at: Date.now() });
    return aliasId;
  }
}

function arnOf(alias: AliasRecord): string {
  return `arn:aws:workspaces:${alias.region}:${alias.ownerAccountId}:connectionalias/${alias.aliasId}`;
}

function stateOf(alias: AliasRecord, now: number): 'CREATING' | 'CREATED' | 'DELETING' {
  if (alias.goneAt !== undefined) return 'DELETING';
  return now >= alias.createdAt ? 'CREATED' : 'CREATING';
}

function statusOf(association: AssociationRecord, now: number): string {
  if (association.removedAt !== undefined) return 'PENDING_DISASSOCIATION';
  if (now < association.associatedAt) return 'PENDING_ASSOCIATION';
  return association.byOwner ? 'ASSOCIATED_WITH_OWNER_ACCOUNT' : 'ASSOCIATED_WITH_SHARED_ACCOUNT';
}

/** Validated [key, value] pairs of a TagList; Tag.Value is optional in the model and stored as ''. */
function tagEntries(tags: unknown): Array<[string, string]> {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw invalidParameter('Tags must be a list.');
  return tags.map((tag) => {
    const key = tag?.Key;
    const value = tag?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 127) throw invalidParameter(`The tag key ${String(key)} is not valid.`);
    if (typeof value !== 'string' || value.length > 255) throw invalidParameter(`The tag value for ${key} is not valid.`);
    return [key, value];
  });
}

function randomAlnum(length: number): string {
  return randomString(length, '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
}

function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
