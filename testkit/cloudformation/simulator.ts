import pLimit from 'p-limit';
import { accessKeyIdFor, DEFAULT_ACCOUNT, DEFAULT_REGION } from '../lambda/environment';
import { invoke, Invocation, InvokeOptions } from '../lambda/invoke';
import type { HandlerBundle, SynthesizedStack, Template, TemplateResource } from './assembly';
import { createEvent, CustomResourceRequest, deleteEvent, physicalIdOf, ResourceIdentity, stackArn, updateEvent } from './events';
import { CREATE_FAILED_MARKER } from './provider-framework';

export { CREATE_FAILED_MARKER } from './provider-framework';
export type { CustomResourceRequest } from './events';

export type Phase = 'deploy' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete-stack' | 'redelivery';

/** One custom resource request as CloudFormation sent it, and how it ended. */
export interface ResourceEvent {
  readonly phase: Phase;
  readonly event: CustomResourceRequest;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
  readonly data?: Record<string, string>;
  /** Undefined when the framework answered without invoking the handler. */
  readonly invocation?: Invocation;
}

export type StackStatus =
  | 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export interface OperationResult {
  readonly status: StackStatus;
  readonly events: ResourceEvent[];
}

interface DeployedResource {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly data: Record<string, string>;
  readonly definition: TemplateResource;
  readonly handler: HandlerBundle;
  /** The last request to it failed: the next deployment sends an Update even if nothing changed. */
  readonly failed?: boolean;
}

export interface SimulatorOptions {
  /**
   * Environment of the handler functions (emulator endpoints, see emulatorEnvironment). AWS_REGION and the
   * credentials are always those of the stack's own Region and account.
   */
  readonly env: Record<string, string>;
  /** The stack's name. Default 'LifecycleStack'. */
  readonly stackName?: string;
  /** The stack's account: in its StackId, its pseudo parameters and its functions' credentials. Default 111111111111. */
  readonly accountId?: string;
  /** The stack's Region: in its StackId, its pseudo parameters and its functions' AWS_REGION. Default us-east-1. */
  readonly region?: string;
  /** Attributes of the template's other (non-custom) resources, for Ref and Fn::GetAtt: {logicalId: {Ref, Attr}}. */
  readonly attributes?: Record<string, Record<string, string>>;
  /** Overrides the functions' timeout, per invocation, and other invoke settings. */
  readonly invoke?: Partial<InvokeOptions>;
  /** How many resources CloudFormation works on at once. Default 1 (in logical id order). */
  readonly concurrency?: number;
  /**
   * Kills the first attempt at a request after this many milliseconds (a crash, or Lambda's timeout), then
   * delivers the same request again, as Lambda retries the invocation. Undefined: no kill for that request.
   */
  readonly killFirstAttemptAfterMs?: (event: CustomResourceRequest) => number | undefined;
  /** Delivers every request a second time after it succeeded, as when the response to CloudFormation is lost. */
  readonly redeliverAfterSuccess?: boolean;
}

/**
 * Plays CloudFormation, and the custom-resources Provider framework in front of our handlers, for the
 * custom resources of a synthesized stack: the request sequence of a deployment (creates and updates, then
 * the cleanup phase that deletes replaced and removed resources), of a rollback, and of a stack deletion,
 * with the framework's rules (a failed Create reports a marker id whose Delete is skipped; a Delete may not
 * change the physical id). Resources are processed one at a time, in logical id order.
 */
export class CloudFormationSimulator {
  /** A simulator for `stack`, in the account and Region it was synthesized for. */
  public static forStack(stack: SynthesizedStack, options: SimulatorOptions): CloudFormationSimulator {
    return new CloudFormationSimulator({ stackName: stack.stackName, accountId: stack.accountId, region: stack.region, ...options });
  }

  public readonly stackName: string;
  public readonly accountId: string;
  public readonly region: string;
  /** The stack's ARN; a new one when the stack is created again after its deletion (see `recreate`). */
  public stackId: string;
  /** Every request sent, in order (across recreations of the stack). */
  public readonly history: ResourceEvent[] = [];
  /** Where the stack stands; undefined before its first deployment and after `recreate`. */
  public status?: StackStatus;
  private readonly deployed = new Map<string, DeployedResource>();
  private readonly handlers = new Map<string, HandlerBundle>();
  /** The template of the last deployment that succeeded (what a rollback returns to). */
  private template?: Template;
  private everDeployed = false;
  /** How many requests were delivered a second time by the chaos options. */
  public redeliveries = 0;

  private get concurrency(): number {
    return this.options.concurrency ?? 1;
  }

  public constructor(private options: SimulatorOptions) {
    this.stackName = options.stackName ?? 'LifecycleStack';
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT;
    this.region = options.region ?? DEFAULT_REGION;
    this.stackId = stackArn(this.stackName, this);
  }

  /** The handler functions' environment: the configured one, in this stack's Region and account. */
  public get functionEnvironment(): Record<string, string> {
    return { ...this.options.env, AWS_REGION: this.region, AWS_ACCESS_KEY_ID: accessKeyIdFor(this.accountId) };
  }

  /**
   * Creates the stack anew under the same name after it was deleted (or rolled back on its first deployment,
   * which CloudFormation only lets a user delete): a new StackId, nothing deployed. Resources it left in the
   * account stay there.
   */
  public recreate(): void {
    if (this.deployed.size > 0 && this.status !== 'ROLLBACK_COMPLETE') {
      throw new Error(`recreate: stack ${this.stackName} still holds ${[...this.deployed.keys()].join(', ')}; delete it first`);
    }
    this.deployed.clear();
    this.template = undefined;
    this.everDeployed = false;
    this.status = undefined;
    this.stackId = stackArn(this.stackName, this);
  }

  /**
   * The resources of type `type` in the template now in force, with their properties resolved as
   * CloudFormation would (Ref of a resource that has no given attributes resolves to its logical id).
   */
  public resourcesOfType(type: string): Array<{ readonly logicalId: string; readonly properties: Record<string, any> }> {
    return Object.entries(this.template?.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => ({ logicalId, properties: this.resolve(resource.Properties ?? {}, true) }));
  }

  /** Changes settings from now on (e.g. chaos for one step of a scenario); the deployed state is kept. */
  public configure(changes: Partial<SimulatorOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  /** The physical id of a deployed custom resource. */
  public physicalId(logicalId: string): string | undefined {
    return this.deployed.get(logicalId)?.physicalId;
  }

  /** The attributes (Data) a deployed custom resource returned. */
  public data(logicalId: string): Record<string, string> | undefined {
    return this.deployed.get(logicalId)?.data;
  }

  /** Deploys `stack` as a stack create or update, rolling back if a request fails. */
  public async deploy(stack: SynthesizedStack): Promise<OperationResult> {
    const start = this.history.length;
    const before = new Map(this.deployed);
    const isCreate = !this.everDeployed;
    this.everDeployed = true;
    const wanted = customResources(stack);
    const replaced: DeployedResource[] = [];
    const attempted = new Map<string, Record<string, unknown>>();

    let failed = false;
    const limit = pLimit(this.concurrency);
    await Promise.all([...wanted].map(([logicalId, definition]) => limit(async () => {
      const properties = this.resolve(definition.Properties ?? {});
      const existing = this.deployed.get(logicalId);
      // CloudFormation starts nothing new once a resource has failed; requests in flight still finish.
      if (failed || (existing && !existing.failed && JSON.stringify(existing.properties) === JSON.stringify(properties))) {
        return;
      }
      attempted.set(logicalId, properties);
      const handler = stack.handlers[logicalId];
      this.handlers.set(logicalId, handler);
      const event = this.request(existing ? 'Update' : 'Create', logicalId, definition, properties, existing);
      const result = await this.dispatch('deploy', handler, event);
      if (result.status === 'FAILED') {
        failed = true;
        if (!existing) {
          this.deployed.set(logicalId, { logicalId, physicalId: result.physicalResourceId, properties, data: {}, definition, handler });
        }
        return;
      }
      if (existing && existing.physicalId !== result.physicalResourceId) {
        replaced.push(existing);
      }
      this.deployed.set(logicalId, { logicalId, physicalId: result.physicalResourceId, properties, data: result.data ?? {}, definition, handler });
    })));
    if (failed) {
      const rolledBack = await this.rollback(before, attempted, isCreate);
      const status = isCreate ? (rolledBack ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED') : (rolledBack ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED');
      return this.finish(status, start);
    }
    this.template = stack.template;

    // Cleanup phase: only after every resource updated, so a rollback could still return to the old ones.
    const removed = [...this.deployed].filter(([id]) => !wanted.has(id)).map(([, resource]) => resource);
    removed.forEach((resource) => this.deployed.delete(resource.logicalId));
    const cleanup = [
      ...replaced.filter((old) => old.definition.UpdateReplacePolicy !== 'Retain'),
      ...removed.filter((old) => old.definition.DeletionPolicy !== 'Retain'),
    ];
    await Promise.all(cleanup.map((old) => limit(() => this.sendDelete('cleanup', old))));
    return this.finish(isCreate ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE', start);
  }

  private finish(status: StackStatus, start: number): OperationResult {
    this.status = status;
    return { status, events: this.history.slice(start) };
  }

  /** Deletes the stack: every resource, except those whose DeletionPolicy is Retain. */
  public async deleteStack(): Promise<OperationResult> {
    const start = this.history.length;
    let status: StackStatus = 'DELETE_COMPLETE';
    const limit = pLimit(this.concurrency);
    await Promise.all([...this.deployed.values()].reverse().map((resource) => limit(async () => {
      if (resource.definition.DeletionPolicy !== 'Retain' && (await this.sendDelete('delete-stack', resource)).status === 'FAILED') {
        status = 'DELETE_FAILED';
        return;
      }
      this.deployed.delete(resource.logicalId);
    })));
    if (status === 'DELETE_COMPLETE') this.template = undefined;
    return this.finish(status, start);
  }

  /** Sends an earlier request again, unchanged (same RequestId), as a Lambda retry or a redelivery does. */
  public async redeliver(previous: ResourceEvent, overrides: Partial<InvokeOptions> = {}): Promise<ResourceEvent> {
    return this.dispatch('redelivery', this.handlerOf(previous.event.LogicalResourceId), previous.event, overrides);
  }

  private handlerOf(logicalId: string): HandlerBundle {
    const handler = this.handlers.get(logicalId);
    if (!handler) {
      throw new Error(`No handler known for ${logicalId}`);
    }
    return handler;
  }

  /**
   * Rolls back a failed deployment: created resources are deleted; updated ones (the failed one too) get an
   * Update back to their old properties; physical ids the failed update produced are deleted afterwards.
   */
  private async rollback(before: Map<string, DeployedResource>, attempted: Map<string, Record<string, unknown>>, isCreate: boolean): Promise<boolean> {
    const abandoned: DeployedResource[] = [];
    const start = this.history.length;
    for (const logicalId of [...attempted.keys()].reverse()) {
      const now = this.deployed.get(logicalId)!;
      const previous = before.get(logicalId);
      if (!previous || isCreate) {
        this.deployed.delete(logicalId);
        if (now.definition.DeletionPolicy !== 'Retain') {
          await this.sendDelete('rollback', now);
        }
        continue;
      }
      const event = this.request('Update', logicalId, previous.definition, previous.properties, { ...now, properties: attempted.get(logicalId)! });
      const result = await this.dispatch('rollback', previous.handler, event);
      this.deployed.set(logicalId, {
        ...previous,
        physicalId: result.physicalResourceId,
        data: result.data ?? previous.data,
        failed: result.status === 'FAILED',
      });
      if (now.physicalId !== previous.physicalId && result.physicalResourceId !== now.physicalId) {
        abandoned.push(now);
      }
    }
    for (const resource of abandoned) {
      await this.sendDelete('rollback-cleanup', resource);
    }
    return this.history.slice(start).every((e) => e.phase !== 'rollback' || e.status === 'SUCCESS');
  }

  private identity(logicalId: string, definition: TemplateResource, properties: Record<string, unknown>): ResourceIdentity {
    return { ServiceToken: String(properties.ServiceToken), StackId: this.stackId, LogicalResourceId: logicalId, ResourceType: definition.Type };
  }

  private request(
    requestType: 'Create' | 'Update',
    logicalId: string,
    definition: TemplateResource,
    properties: Record<string, unknown>,
    old?: DeployedResource,
  ): CustomResourceRequest {
    const identity = this.identity(logicalId, definition, properties);
    if (requestType === 'Create' || !old) return createEvent(identity, properties);
    return updateEvent(identity, properties, old.properties, old.physicalId);
  }

  private async sendDelete(phase: Phase, resource: DeployedResource): Promise<ResourceEvent> {
    const event = deleteEvent(this.identity(resource.logicalId, resource.definition, resource.properties), resource.physicalId, resource.properties);
    return this.dispatch(phase, resource.handler, event);
  }

  /** The Provider framework's handling of one request around our handler, with the configured chaos. */
  private async dispatch(phase: Phase, handler: HandlerBundle, event: CustomResourceRequest, overrides: Partial<InvokeOptions> = {}): Promise<ResourceEvent> {
    let record: ResourceEvent;
    // The framework answers SUCCESS itself for a Delete of a failed Create: the handler never sees it.
    if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) {
      record = { phase, event, status: 'SUCCESS', physicalResourceId: CREATE_FAILED_MARKER };
    } else {
      const options = { ...this.options.invoke, ...overrides, env: this.functionEnvironment };
      const killAfterMs = this.options.killFirstAttemptAfterMs?.(event);
      let invocation = await invoke(handler, event, { ...options, killAfterMs });
      if (invocation.killed && killAfterMs !== undefined) {
        // The process died mid-event; Lambda's retry of the invocation delivers the same event again.
        this.redeliveries++;
        invocation = await invoke(handler, event, options);
      }
      record = this.respond(phase, event, invocation);
      if (this.options.redeliverAfterSuccess && record.status === 'SUCCESS') {
        // The answer was lost on its way back and the event arrives again: it must reach the same result.
        this.redeliveries++;
        const again = this.respond(phase, event, await invoke(handler, event, options));
        if (again.status !== 'SUCCESS' || again.physicalResourceId !== record.physicalResourceId) {
          record = { ...again, status: 'FAILED', reason: `the redelivered event ended differently: ${again.reason ?? again.physicalResourceId}` };
        }
      }
    }
    this.history.push(record);
    return record;
  }

  private respond(phase: Phase, event: CustomResourceRequest, invocation: Invocation): ResourceEvent {
    const fallbackId = physicalIdOf(event) ?? CREATE_FAILED_MARKER;
    if (!invocation.outcome.ok) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: invocation.outcome.errorMessage };
    }
    const response = invocation.outcome.response ?? {};
    const physicalResourceId = response.PhysicalResourceId ?? physicalIdOf(event) ?? event.RequestId;
    if (event.RequestType === 'Delete' && physicalResourceId !== event.PhysicalResourceId) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: 'DELETE: cannot change the physical resource ID' };
    }
    if (JSON.stringify(response).length > 4096) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: 'Response object is too long.' };
    }
    return { phase, event, invocation, status: 'SUCCESS', physicalResourceId, data: response.Data };
  }

  /** Resolves intrinsics the way CloudFormation would before sending properties; scalars become strings. */
  private resolve(value: any, lenient = false): any {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item, lenient));
    }
    if (value === null || typeof value !== 'object') {
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    }
    if ('Fn::GetAtt' in value) {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      return this.deployed.get(logicalId)?.data[attribute] ?? this.attribute(logicalId, attribute, lenient);
    }
    if ('Ref' in value) {
      return this.attribute(value.Ref, 'Ref', lenient);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return parts.map((part: unknown) => this.resolve(part, lenient)).join(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(item, lenient)]));
  }

  private attribute(logicalId: string, attribute: string, lenient = false): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws', 'AWS::Region': this.region, 'AWS::AccountId': this.accountId, 'AWS::StackId': this.stackId,
      'AWS::StackName': this.stackName, 'AWS::URLSuffix': 'amazonaws.com',
    };
    if (attribute === 'Ref' && pseudo[logicalId]) {
      return pseudo[logicalId];
    }
    const known = this.options.attributes?.[logicalId]?.[attribute];
    if (known !== undefined) {
      return known;
    }
    if (attribute === 'Arn') {
      return `arn:aws:lambda:${this.region}:${this.accountId}:function:${logicalId}`;
    }
    if (lenient && attribute === 'Ref') {
      return logicalId;
    }
    if (known === undefined) {
      throw new Error(`The lifecycle test gives no value for ${logicalId}.${attribute}`);
    }
    return known;
  }

}

function customResources(stack: SynthesizedStack): Map<string, TemplateResource> {
  return new Map(
    Object.entries(stack.template.Resources)
      .filter(([, resource]) => resource.Type.startsWith('Custom::'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
