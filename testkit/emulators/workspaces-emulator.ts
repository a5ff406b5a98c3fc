import { randomInt } from 'node:crypto';
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
  /** The caller, and so the owner of every alias it creates. Default '111111111111'. */
  accountId?: string;
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
  /** If given, only these directory ids exist (else any id is accepted). */
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
 * WorkSpaces connection aliases (awsJson1_1) for one account in one Region. Create, delete, associate and
 * disassociate are asynchronous in AWS; their end states are resolved lazily from Date.now(), so nothing
 * keeps running after stop().
 */
export class WorkSpacesEmulator extends EmulatedEndpoint {
  public static async start(options: WorkSpacesEmulatorOptions = {}): Promise<WorkSpacesEmulator> {
    const emulator = new WorkSpacesEmulator(options);
    await emulator.start();
    return emulator;
  }

  /** Every alias this emulator created, in order: lets tests tell a retry from a duplicate. */
  public readonly created: Array<{ readonly aliasId: string; readonly at: number }> = [];
  public readonly accountId: string;
  private readonly delays: Delays;
  private readonly aliasLimit: number;
  private readonly directories?: ReadonlySet<string>;
  /** Insertion order = creation order, which is also the Describe order. */
  private readonly records = new Map<string, AliasRecord>();
  private readonly operations: ReadonlyMap<string, (input: any, now: number) => unknown>;

  private constructor(options: WorkSpacesEmulatorOptions) {
    super(options.faults);
    this.accountId = options.accountId ?? '111111111111';
    this.delays = {
      createDelayMs: options.createDelayMs ?? 300,
      deleteDelayMs: options.deleteDelayMs ?? 300,
      associateDelayMs: options.associateDelayMs ?? 300,
      disassociateDelayMs: options.disassociateDelayMs ?? 300,
    };
    this.aliasLimit = options.aliasLimit ?? 20;
    this.directories = options.directories ? new Set(options.directories) : undefined;
    this.operations = new Map<string, (input: any, now: number) => unknown>([
      ['CreateConnectionAlias', (i, now) => this.createConnectionAlias(i, now)],
      ['DescribeConnectionAliases', (i, now) => this.describeConnectionAliases(i, now)],
      ['DeleteConnectionAlias', (i, now) => this.deleteConnectionAlias(i, now)],
      ['AssociateConnectionAlias', (i, now) => this.associateConnectionAlias(i, now)],
      ['DisassociateConnectionAlias', (i, now) => this.disassociateConnectionAlias(i, now)],
      ['UpdateConnectionAliasPermission', (i, now) => this.updateConnectionAliasPermission(i, now)],
      ['DescribeConnectionAliasPermissions', (i) => this.describeConnectionAliasPermissions(i)],
      ['CreateTags', (i) => this.createTags(i)],
      ['DeleteTags', (i) => this.deleteTags(i)],
      ['DescribeTags', (i) => this.describeTags(i)],
    ]);
  }

  /** Live aliases (not yet gone), with state and associations resolved now. Deep copies. */
  public aliases(): EmulatedConnectionAlias[] {
    const now = this.settle();
    return [...this.records.values()].map((a) => ({
      aliasId: a.aliasId,
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

  /** A pre-existing CREATED alias of this account that the code under test did not create; returns its id. */
  public seedAlias(props: { connectionString: string; tags?: Record<string, string> }): string {
    const now = this.settle();
    if (this.liveWithString(props.connectionString)) throw new Error(`seedAlias: ${props.connectionString} already exists`);
    return this.insert(props.connectionString, new Map(Object.entries(props.tags ?? {})), now);
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

  protected execute(operation: string, input: any): unknown {
    return this.operations.get(operation)!(input, this.settle());
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

  private createConnectionAlias(input: any, now: number): unknown {
    const connectionString = input.ConnectionString;
    if (typeof connectionString !== 'string' || !CONNECTION_STRING.test(connectionString)) {
      throw invalidParameter(`The connection string ${String(connectionString)} is not valid.`);
    }
    // DELETING aliases still hold their quota slot and their string until they are gone.
    if (this.records.size >= this.aliasLimit) throw limitExceeded(`You have reached the limit of ${this.aliasLimit} connection aliases.`);
    if (this.liveWithString(connectionString)) throw new EmulatorError(400, 'ResourceAlreadyExistsException', `The connection alias ${connectionString} already exists.`);
    const tags = new Map<string, string>();
    for (const [key, value] of tagEntries(input.Tags)) tags.set(key, value);
    if (tags.size > MAX_TAGS) throw limitExceeded(`A resource can have at most ${MAX_TAGS} tags.`);
    return { AliasId: this.insert(connectionString, tags, now + this.delays.createDelayMs) };
  }

  private describeConnectionAliases(input: any, now: number): unknown {
    const { AliasIds: aliasIds, ResourceId: resourceId, Limit: limit = MAX_PAGE, NextToken: nextToken } = input;
    // Real quirk (boto/boto3#3260): the two filters together are refused with this misleading message.
    if (aliasIds !== undefined && resourceId !== undefined) throw invalidParameter('The value for the connection alias is null.');
    if (aliasIds !== undefined && (!Array.isArray(aliasIds) || aliasIds.length < 1 || aliasIds.length > MAX_PAGE)) {
      throw invalidParameter(`AliasIds must hold 1 to ${MAX_PAGE} ids.`);
    }
    if (resourceId !== undefined && (typeof resourceId !== 'string' || resourceId === '')) throw invalidParameter('ResourceId must not be empty.');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter(`Limit must be between 1 and ${MAX_PAGE}.`);

    // Unknown ids are simply not listed: Describe has no ResourceNotFoundException.
    const matching = [...this.records.values()].filter((a) =>
      aliasIds !== undefined ? aliasIds.includes(a.aliasId) : resourceId === undefined || a.associations.some((x) => x.resourceId === resourceId),
    );
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

  private deleteConnectionAlias(input: any, now: number): unknown {
    const alias = this.find(input.AliasId);
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    // AWS refuses to delete an alias that is associated or shared: the shared account disassociates, the
    // owner unshares, and only then can the owner delete.
    if (alias.associations.length > 0 || alias.sharedWith) {
      throw associated(`The connection alias ${alias.aliasId} is associated with a directory or shared with an account.`);
    }
    alias.goneAt = now + this.delays.deleteDelayMs;
    return {};
  }

  private associateConnectionAlias(input: any, now: number): unknown {
    const alias = this.find(input.AliasId);
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    const resourceId = input.ResourceId;
    if (typeof resourceId !== 'string' || resourceId === '') throw invalidParameter('ResourceId must not be empty.');
    if (this.directories && !this.directories.has(resourceId)) throw notFound(resourceId);
    // "A connection alias can be associated with only one directory per AWS Region", whichever account did it.
    if (alias.associations.length > 0) throw associated(`The connection alias ${alias.aliasId} is already associated with a directory.`);
    const connectionIdentifier = randomAlnum(10);
    alias.associations.push({
      accountId: this.accountId,
      resourceId,
      connectionIdentifier,
      byOwner: true,
      associatedAt: now + this.delays.associateDelayMs,
    });
    return { ConnectionIdentifier: connectionIdentifier };
  }

  private disassociateConnectionAlias(input: any, now: number): unknown {
    const alias = this.find(input.AliasId);
    if (stateOf(alias, now) !== 'CREATED') throw invalidState(`The connection alias ${alias.aliasId} is ${stateOf(alias, now)}.`);
    // Only the account that owns the directory can disassociate it.
    const association = alias.associations.find((x) => x.byOwner);
    if (!association) throw invalidState('The connection alias is not associated with a directory owned by this account');
    const status = statusOf(association, now);
    if (status.startsWith('PENDING_')) throw invalidState(`The association of ${alias.aliasId} is ${status}.`);
    association.removedAt = now + this.delays.disassociateDelayMs;
    return {};
  }

  private updateConnectionAliasPermission(input: any, now: number): unknown {
    const alias = this.find(input.AliasId);
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

  private describeConnectionAliasPermissions(input: any): unknown {
    const alias = this.find(input.AliasId);
    return {
      AliasId: alias.aliasId,
      ConnectionAliasPermissions: alias.sharedWith ? [{ SharedAccountId: alias.sharedWith, AllowAssociation: true }] : [],
    };
  }

  private createTags(input: any): unknown {
    const alias = this.find(input.ResourceId);
    const merged = new Map(alias.tags);
    for (const [key, value] of tagEntries(input.Tags)) merged.set(key, value);
    if (merged.size > MAX_TAGS) throw limitExceeded(`A resource can have at most ${MAX_TAGS} tags.`);
    alias.tags.clear();
    for (const [key, value] of merged) alias.tags.set(key, value);
    return {};
  }

  private deleteTags(input: any): unknown {
    const alias = this.find(input.ResourceId);
    if (!Array.isArray(input.TagKeys)) throw invalidParameter('TagKeys is required.');
    for (const key of input.TagKeys) alias.tags.delete(String(key));
    return {};
  }

  private describeTags(input: any): unknown {
    const alias = this.find(input.ResourceId);
    return { TagList: [...alias.tags].map(([Key, Value]) => ({ Key, Value })) };
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

  private find(aliasId: unknown): AliasRecord {
    if (typeof aliasId !== 'string' || aliasId === '') throw invalidParameter('The alias id must not be empty.');
    const alias = this.records.get(aliasId);
    if (!alias) throw notFound(aliasId);
    return alias;
  }

  private liveWithString(connectionString: string): AliasRecord | undefined {
    return [...this.records.values()].find((a) => a.connectionString === connectionString);
  }

  private insert(connectionString: string, tags: Map<string, string>, createdAt: number): string {
    let aliasId: string;
    do {
      aliasId = `wsca-${randomString(10, '0123456789abcdefghijklmnopqrstuvwxyz')}`;
    } while (this.records.has(aliasId));
    this.records.set(aliasId, { aliasId, connectionString, ownerAccountId: this.accountId, createdAt, tags, associations: [] });
    this.created.push({ aliasId, at: Date.now() });
    return aliasId;
  }
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
