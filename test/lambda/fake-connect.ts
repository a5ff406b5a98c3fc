// A stateful fake of Amazon Connect's email-address alias API for the handler unit tests, behind
// aws-sdk-client-mock: the account holds instances' addresses and their aliases, so tests assert its end state.
import {
  AssociateEmailAddressAliasCommand,
  DescribeEmailAddressCommand,
  DisassociateEmailAddressAliasCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-connect';
import type { AwsStub } from 'aws-sdk-client-mock';

export type Operation = 'DescribeEmailAddress' | 'AssociateEmailAddressAlias' | 'DisassociateEmailAddressAlias' | 'TagResource' | 'UntagResource';

interface Address { alias?: string; shown?: string; showsFrom: number; tags: Record<string, string> }

/** What to do instead of (or besides) answering one call normally. */
export interface Fault {
  /** Thrown to the caller. Without it the call answers success. */
  readonly error?: Error | (() => Error);
  /** Apply the call before failing (a response lost after the service acted). Default: not applied. */
  readonly apply?: boolean;
  /** Runs when the fault fires. */
  readonly effect?: () => void;
  /** Never answer. */
  readonly hang?: boolean;
}

const meta = { $metadata: { httpStatusCode: 404 } };

export class FakeConnect {
  /** Describe keeps showing the state before an alias change for this long (eventual consistency); Infinity: never catches up. */
  public describeLagMs = 0;
  /** Every change applied, in order ('Associate p<-b'), for the few tests where order is the requirement. */
  public readonly changes: string[] = [];
  /** address id -> its alias (at most one), per instance */
  private readonly addresses = new Map<string, Address>();
  private readonly faults = new Map<Operation, Fault[]>();
  /** The marks an association given to `addAddress` gets (those of the resource under test); unset: none. */
  public marksFor?: (primary: string, alias: string) => Record<string, string>;

  public constructor(private readonly instanceId: string) {}

  public install(mock: AwsStub<any, any, any>): void {
    const route = (operation: Operation, apply: (input: any) => unknown) => async (input: any) => this.call(operation, input, apply);
    mock.on(DescribeEmailAddressCommand).callsFake(route('DescribeEmailAddress', (i) => this.describe(i)));
    mock.on(AssociateEmailAddressAliasCommand).callsFake(route('AssociateEmailAddressAlias', (i) => this.associate(i)));
    mock.on(DisassociateEmailAddressAliasCommand).callsFake(route('DisassociateEmailAddressAlias', (i) => this.disassociate(i)));
    mock.on(TagResourceCommand).callsFake(route('TagResource', (i) => this.tag(i)));
    mock.on(UntagResourceCommand).callsFake(route('UntagResource', (i) => this.untag(i)));
  }

  /** The tags of an address (a copy). */
  public tagsOf(id: string): Record<string, string> {
    return { ...this.addresses.get(id)?.tags };
  }

  /** Sets tags on an address, as another tool would. */
  public setTags(id: string, tags: Record<string, string>): void {
    Object.assign(this.addresses.get(id)!.tags, tags);
  }

  private arnOf(id: string): string {
    return `arn:aws:connect:us-east-1:123456789012:instance/${this.instanceId}/email-address/${id}`;
  }

  private byArn(arn: string): Address {
    const id = arn.split('/email-address/')[1];
    if (arn !== this.arnOf(id)) throw new ResourceNotFoundException({ message: `Resource ${arn} not found`, ...meta });
    return this.find(this.instanceId, id);
  }

  private tag(input: any): unknown {
    Object.assign(this.byArn(input.resourceArn).tags, input.tags);
    return {};
  }

  private untag(input: any): unknown {
    const address = this.byArn(input.resourceArn);
    (input.tagKeys as string[]).forEach((key) => delete address.tags[key]);
    return {};
  }

  /** Email addresses that exist in the instance, optionally with an alias already. */
  public addAddress(id: string, alias?: string, options: { unmarked?: boolean } = {}): void {
    this.addresses.set(id, { alias, shown: alias, showsFrom: 0, tags: {} });
    if (alias !== undefined && this.marksFor && !options.unmarked) {
      // An association the resource under test made: both addresses carry its marks.
      const marks = this.marksFor(id, alias);
      this.setTags(id, marks);
      this.setTags(alias, marks);
    }
  }

  /** Deletes an address (and with it its alias relationship). */
  public removeAddress(id: string): void {
    this.addresses.delete(id);
  }

  /** The alias of `primary` as it really is now (not as a lagging Describe shows it). */
  public aliasOf(primary: string): string | undefined {
    return this.addresses.get(primary)?.alias;
  }

  /** The next `times` calls of `operation` meet `fault` (Infinity: every call). */
  public fail(operation: Operation, fault: Fault, times = 1): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...Array.from({ length: Math.min(times, 10_000) }, () => fault)]);
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

  private describe(input: any): unknown {
    const address = this.find(input.InstanceId, input.EmailAddressId);
    const shown = Date.now() >= address.showsFrom ? address.alias : address.shown;
    return { EmailAddressId: input.EmailAddressId, EmailAddressArn: this.arnOf(input.EmailAddressId), AliasConfigurations: shown ? [{ EmailAddressId: shown }] : [], Tags: { ...address.tags } };
  }

  private associate(input: any): unknown {
    const primary = this.find(input.InstanceId, input.EmailAddressId);
    const alias = input.AliasConfiguration.EmailAddressId;
    this.find(input.InstanceId, alias);
    if (primary.alias === alias) return {};
    if (primary.alias) throw new InvalidRequestException({ message: `Email address ${input.EmailAddressId} already has an alias`, $metadata: {} });
    this.change(primary, alias);
    this.changes.push(`Associate ${input.EmailAddressId}<-${alias}`);
    return {};
  }

  private disassociate(input: any): unknown {
    const primary = this.find(input.InstanceId, input.EmailAddressId);
    const alias = input.AliasConfiguration.EmailAddressId;
    if (primary.alias !== alias) throw new ResourceNotFoundException({ message: 'Alias association not found', ...meta });
    this.change(primary, undefined);
    this.changes.push(`Disassociate ${input.EmailAddressId}<-${alias}`);
    return {};
  }

  private change(address: Address, alias: string | undefined): void {
    const now = Date.now();
    address.shown = now >= address.showsFrom ? address.alias : address.shown;
    address.alias = alias;
    address.showsFrom = now + this.describeLagMs;
  }

  private find(instanceId: string, id: string): Address {
    const address = instanceId === this.instanceId ? this.addresses.get(id) : undefined;
    if (!address) throw new ResourceNotFoundException({ message: `Email address ${id} not found`, ...meta });
    return address;
  }
}
