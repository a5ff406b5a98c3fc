// A stateful fake of the WorkSpaces connection-alias API for the handler unit tests, behind aws-sdk-client-mock:
// calls change and read one modelled account, so tests assert the account's end state, not a call sequence.
// Asynchronous transitions complete on the virtual clock (Date.now), so a test never depends on how often the
// handler looks.
import {
  AssociateConnectionAliasCommand,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  DescribeTagsCommand,
  DisassociateConnectionAliasCommand,
  InvalidResourceStateException,
  ResourceAlreadyExistsException,
  ResourceAssociatedException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
} from '@aws-sdk/client-workspaces';
import type { AwsStub } from 'aws-sdk-client-mock';

export type Operation =
  | 'CreateConnectionAlias' | 'DescribeConnectionAliases' | 'DeleteConnectionAlias' | 'AssociateConnectionAlias'
  | 'DisassociateConnectionAlias' | 'UpdateConnectionAliasPermission' | 'DescribeConnectionAliasPermissions'
  | 'CreateTags' | 'DeleteTags' | 'DescribeTags';

/** What to do instead of (or besides) answering one call normally. */
export interface Fault {
  /** Thrown to the caller. Without it the call answers success. */
  readonly error?: Error | (() => Error);
  /** Apply the call before failing (a response lost after the service acted). Default: not applied. */
  readonly apply?: boolean;
  /** Runs when the fault fires (e.g. someone else changes the account meanwhile). */
  readonly effect?: () => void;
  /** Never answer (a call the SDK would keep retrying for longer than the handler has). */
  readonly hang?: boolean;
}

export type AssociationStatus = 'PENDING_ASSOCIATION' | 'ASSOCIATED_WITH_OWNER_ACCOUNT' | 'ASSOCIATED_WITH_SHARED_ACCOUNT' | 'PENDING_DISASSOCIATION' | 'NOT_ASSOCIATED';

interface Association {
  readonly accountId: string;
  readonly resourceId: string;
  readonly connectionIdentifier: string;
  /** PENDING_ASSOCIATION until then. */
  readonly associatedAt: number;
  /** Describe leaves ConnectionIdentifier out until then. */
  readonly identifiedAt: number;
  /** PENDING_DISASSOCIATION from a disassociate until then; the entry goes (or lingers as NOT_ASSOCIATED). */
  removedAt?: number;
  lingers?: boolean;
}

interface Alias {
  readonly aliasId: string;
  readonly connectionString: string;
  /** CREATING until then. */
  readonly createdAt: number;
  /** Describe by id does not list it until then (eventual consistency). */
  readonly visibleAt: number;
  /** DELETING from a delete until then, then gone. */
  goneAt?: number;
  readonly tags: Map<string, string>;
  associations: Association[];
  sharedWith?: string;
}

/** An alias's state as a test reads it. */
export interface AliasView {
  readonly state: 'CREATING' | 'CREATED' | 'DELETING';
  readonly connectionString: string;
  readonly tags: Record<string, string>;
  readonly sharedWith?: string;
  readonly associations: Array<{ accountId: string; directoryId: string; status: AssociationStatus; connectionIdentifier: string }>;
}

export interface Seed {
  readonly id: string;
  readonly connectionString?: string;
  readonly state?: 'CREATING' | 'CREATED' | 'DELETING';
  readonly tags?: Record<string, string>;
  readonly sharedWith?: string;
  readonly association?: { directoryId: string; status?: AssociationStatus; accountId?: string };
}

const meta = { $metadata: {} };
const settling = (message: string) => new InvalidResourceStateException({ message, ...meta });

export class FakeWorkSpaces {
  /** How long each asynchronous transition takes on the virtual clock; Infinity: it never completes. */
  public readonly delays = { create: 500, delete: 500, associate: 500, disassociate: 500, identifier: 0, describeLag: 0 };
  /** The DescribeConnectionAliases page size when the caller asks for more. */
  public pageSize = 25;
  /** If set, only these directories exist. */
  public directories?: string[];
  /** Every change applied, in order ('Delete wsca-...'), for the few tests where order is the requirement. */
  public readonly changes: string[] = [];
  private readonly aliases = new Map<string, Alias>();
  private readonly faults = new Map<Operation, Fault[]>();
  private identifiers = 0;

  public constructor(
    private readonly ownerAccountId: string,
    /** The ids Create hands out, in order (ids already in use are skipped). */
    private readonly ids: string[],
  ) {}

  /** Routes every WorkSpaces command of `mock` to this account. */
  public install(mock: AwsStub<any, any, any>): void {
    const route = (operation: Operation, apply: (input: any) => unknown) => async (input: any) => this.call(operation, input, apply);
    mock.on(CreateConnectionAliasCommand).callsFake(route('CreateConnectionAlias', (i) => this.create(i)));
    mock.on(DescribeConnectionAliasesCommand).callsFake(route('DescribeConnectionAliases', (i) => this.describe(i)));
    mock.on(DeleteConnectionAliasCommand).callsFake(route('DeleteConnectionAlias', (i) => this.delete(i)));
    mock.on(AssociateConnectionAliasCommand).callsFake(route('AssociateConnectionAlias', (i) => this.associate(i)));
    mock.on(DisassociateConnectionAliasCommand).callsFake(route('DisassociateConnectionAlias', (i) => this.disassociate(i)));
    mock.on(UpdateConnectionAliasPermissionCommand).callsFake(route('UpdateConnectionAliasPermission', (i) => this.permit(i)));
    mock.on(DescribeConnectionAliasPermissionsCommand).callsFake(route('DescribeConnectionAliasPermissions', (i) => this.permissions(i)));
    mock.on(CreateTagsCommand).callsFake(route('CreateTags', (i) => this.createTags(i)));
    mock.on(DeleteTagsCommand).callsFake(route('DeleteTags', (i) => this.deleteTags(i)));
    mock.on(DescribeTagsCommand).callsFake(route('DescribeTags', (i) => this.describeTags(i)));
  }

  /** The next `times` calls of `operation` meet `fault` (Infinity: every call). */
  public fail(operation: Operation, fault: Fault, times = 1): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...Array.from({ length: Math.min(times, 10_000) }, () => fault)]);
  }

  /** An alias that exists before the request (made by an earlier delivery, by hand, or by another stack). */
  public seed(seed: Seed): void {
    const now = Date.now();
    const alias: Alias = {
      aliasId: seed.id,
      connectionString: seed.connectionString ?? 'desktop.example.com',
      createdAt: seed.state === 'CREATING' ? now + this.delays.create : now,
      visibleAt: now,
      goneAt: seed.state === 'DELETING' ? now + this.delays.delete : undefined,
      tags: new Map(Object.entries(seed.tags ?? {})),
      associations: [],
      sharedWith: seed.sharedWith,
    };
    if (seed.association) {
      const { directoryId, status = 'ASSOCIATED_WITH_OWNER_ACCOUNT', accountId = this.ownerAccountId } = seed.association;
      alias.associations.push({
        accountId,
        resourceId: directoryId,
        connectionIdentifier: this.newIdentifier(),
        associatedAt: status === 'PENDING_ASSOCIATION' ? now + this.delays.associate : now,
        identifiedAt: now,
        removedAt: status === 'PENDING_DISASSOCIATION' ? now + this.delays.disassociate : status === 'NOT_ASSOCIATED' ? now : undefined,
        lingers: status === 'NOT_ASSOCIATED',
      });
    }
    this.aliases.set(seed.id, alias);
    // AWS never hands out an id twice
    this.ids.splice(this.ids.indexOf(seed.id) >>> 0, this.ids.includes(seed.id) ? 1 : 0);
  }

  /** The alias as it is now, or undefined once it is gone. */
  public alias(aliasId: string): AliasView | undefined {
    const now = this.settle();
    const alias = this.aliases.get(aliasId);
    return alias && {
      state: stateOf(alias, now),
      connectionString: alias.connectionString,
      tags: Object.fromEntries(alias.tags),
      sharedWith: alias.sharedWith,
      associations: alias.associations.map((a) => ({
        accountId: a.accountId,
        directoryId: a.resourceId,
        status: this.statusOf(a, now),
        connectionIdentifier: a.connectionIdentifier,
      })),
    };
  }

  /** The ids of every alias that exists now. */
  public aliasIds(): string[] {
    this.settle();
    return [...this.aliases.keys()];
  }

  /** Another delivery of the request deletes the alias: it is DELETING from now. */
  public startDeleting(aliasId: string): void {
    this.find(aliasId).goneAt = Date.now() + this.delays.delete;
  }

  /** Someone deletes the alias outside CloudFormation: it is gone at once. */
  public removeOutOfBand(aliasId: string): void {
    this.aliases.delete(aliasId);
  }

  /** The shared account associates the alias with one of its directories, at once. */
  public associateFromSharedAccount(aliasId: string, accountId: string, directoryId: string): void {
    const now = Date.now();
    this.find(aliasId).associations.push({ accountId, resourceId: directoryId, connectionIdentifier: 'shared1', associatedAt: now, identifiedAt: now });
  }

  private async call(operation: Operation, input: any, apply: (input: any) => unknown): Promise<unknown> {
    const fault = this.faults.get(operation)?.shift();
    if (!fault) {
      return apply(input);
    }
    fault.effect?.();
    if (fault.hang) {
      return new Promise(() => undefined);
    }
    if (fault.apply) {
      apply(input);
    }
    if (fault.error) {
      throw typeof fault.error === 'function' ? fault.error() : fault.error;
    }
    return {};
  }

  private create(input: any): unknown {
    const now = this.settle();
    if ([...this.aliases.values()].some((a) => a.connectionString.toLowerCase() === input.ConnectionString.toLowerCase())) {
      throw new ResourceAlreadyExistsException({ message: `The connection alias ${input.ConnectionString} already exists`, ...meta });
    }
    const aliasId = this.ids.find((id) => !this.aliases.has(id)) ?? `wsca-${String(this.aliases.size).padStart(9, '0')}`;
    this.ids.splice(this.ids.indexOf(aliasId), 1);
    this.aliases.set(aliasId, {
      aliasId,
      connectionString: input.ConnectionString,
      createdAt: now + this.delays.create,
      visibleAt: now + this.delays.describeLag,
      tags: new Map((input.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value])),
      associations: [],
    });
    this.changes.push(`Create ${input.ConnectionString}`);
    return { AliasId: aliasId };
  }

  private describe(input: any): unknown {
    const now = this.settle();
    const view = (a: Alias) => ({
      AliasId: a.aliasId,
      ConnectionString: a.connectionString,
      OwnerAccountId: this.ownerAccountId,
      State: stateOf(a, now),
      ...(a.associations.length > 0 ? {
        Associations: a.associations.map((x) => ({
          AssociatedAccountId: x.accountId,
          ResourceId: x.resourceId,
          AssociationStatus: this.statusOf(x, now),
          ...(now >= x.identifiedAt ? { ConnectionIdentifier: x.connectionIdentifier } : {}),
        })),
      } : {}),
    });
    const visible = [...this.aliases.values()].filter((a) => now >= a.visibleAt);
    if (input.AliasIds) {
      return { ConnectionAliases: visible.filter((a) => input.AliasIds.includes(a.aliasId)).map(view) };
    }
    const offset = input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0;
    const size = Math.min(input.Limit ?? 25, this.pageSize);
    const page = visible.slice(offset, offset + size);
    return { ConnectionAliases: page.map(view), ...(offset + size < visible.length ? { NextToken: `page-${offset + size}` } : {}) };
  }

  private delete(input: any): unknown {
    const now = this.settle();
    const alias = this.find(input.AliasId);
    if (stateOf(alias, now) !== 'CREATED') throw settling(`The connection alias is ${stateOf(alias, now)}`);
    if (alias.associations.some((a) => !a.lingers) || alias.sharedWith) {
      throw new ResourceAssociatedException({ message: 'The connection alias is associated or shared', ...meta });
    }
    alias.goneAt = now + this.delays.delete;
    this.changes.push(`Delete ${alias.aliasId}`);
    return {};
  }

  private associate(input: any): unknown {
    const now = this.settle();
    const alias = this.find(input.AliasId);
    if (stateOf(alias, now) !== 'CREATED') throw settling(`The connection alias is ${stateOf(alias, now)}`);
    if (this.directories && !this.directories.includes(input.ResourceId)) {
      throw new ResourceNotFoundException({ message: `The directory ${input.ResourceId} could not be found`, ...meta });
    }
    if (alias.associations.some((a) => !a.lingers)) {
      throw new ResourceAssociatedException({ message: 'The connection alias is already associated', ...meta });
    }
    const connectionIdentifier = this.newIdentifier();
    alias.associations = [{
      accountId: this.ownerAccountId,
      resourceId: input.ResourceId,
      connectionIdentifier,
      associatedAt: now + this.delays.associate,
      identifiedAt: now + this.delays.associate + this.delays.identifier,
    }];
    this.changes.push(`Associate ${alias.aliasId} ${input.ResourceId}`);
    return { ConnectionIdentifier: connectionIdentifier };
  }

  private disassociate(input: any): unknown {
    const now = this.settle();
    const alias = this.find(input.AliasId);
    const association = alias.associations.find((a) => a.accountId === this.ownerAccountId && !a.lingers);
    if (!association) throw settling('The connection alias is not associated with a directory of this account');
    const status = this.statusOf(association, now);
    if (status.startsWith('PENDING_')) throw settling(`The association is ${status}`);
    association.removedAt = now + this.delays.disassociate;
    this.changes.push(`Disassociate ${alias.aliasId}`);
    return {};
  }

  private permit(input: any): unknown {
    const alias = this.find(input.AliasId);
    const { SharedAccountId: account, AllowAssociation: allow } = input.ConnectionAliasPermission;
    if (allow) {
      if (alias.sharedWith && alias.sharedWith !== account) {
        throw new ResourceLimitExceededException({ message: 'An alias can be shared with one account only', ...meta });
      }
      alias.sharedWith = account;
      this.changes.push(`Share ${alias.aliasId} ${account}`);
    } else if (alias.sharedWith === account) {
      if (alias.associations.some((a) => a.accountId === account)) {
        throw new ResourceAssociatedException({ message: 'The connection alias is associated with a directory', ...meta });
      }
      alias.sharedWith = undefined;
      this.changes.push(`Unshare ${alias.aliasId} ${account}`);
    }
    return {};
  }

  private permissions(input: any): unknown {
    const alias = this.find(input.AliasId);
    return { AliasId: alias.aliasId, ConnectionAliasPermissions: alias.sharedWith ? [{ SharedAccountId: alias.sharedWith, AllowAssociation: true }] : [] };
  }

  private createTags(input: any): unknown {
    const alias = this.find(input.ResourceId);
    for (const tag of input.Tags) alias.tags.set(tag.Key, tag.Value);
    this.changes.push(`CreateTags ${alias.aliasId}`);
    return {};
  }

  private deleteTags(input: any): unknown {
    const alias = this.find(input.ResourceId);
    for (const key of input.TagKeys) alias.tags.delete(key);
    this.changes.push(`DeleteTags ${alias.aliasId}`);
    return {};
  }

  private describeTags(input: any): unknown {
    return { TagList: [...this.find(input.ResourceId).tags].map(([Key, Value]) => ({ Key, Value })) };
  }

  private find(aliasId: string): Alias {
    this.settle();
    const alias = this.aliases.get(aliasId);
    if (!alias) throw new ResourceNotFoundException({ message: `The resource ${aliasId} could not be found`, ...meta });
    return alias;
  }

  /** Drops what finished going; returns the time it resolved against. */
  private settle(): number {
    const now = Date.now();
    for (const alias of [...this.aliases.values()]) {
      if (alias.goneAt !== undefined && now >= alias.goneAt) {
        this.aliases.delete(alias.aliasId);
        continue;
      }
      alias.associations = alias.associations.filter((a) => a.lingers || a.removedAt === undefined || now < a.removedAt);
    }
    return now;
  }

  private statusOf(association: Association, now: number): AssociationStatus {
    if (association.lingers) return 'NOT_ASSOCIATED';
    if (association.removedAt !== undefined) return 'PENDING_DISASSOCIATION';
    if (now < association.associatedAt) return 'PENDING_ASSOCIATION';
    return association.accountId === this.ownerAccountId ? 'ASSOCIATED_WITH_OWNER_ACCOUNT' : 'ASSOCIATED_WITH_SHARED_ACCOUNT';
  }

  private newIdentifier(): string {
    this.identifiers += 1;
    return `ident${this.identifiers}`;
  }
}

function stateOf(alias: Alias, now: number): 'CREATING' | 'CREATED' | 'DELETING' {
  if (alias.goneAt !== undefined) return 'DELETING';
  return now >= alias.createdAt ? 'CREATED' : 'CREATING';
}
