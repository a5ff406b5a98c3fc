import { randomUUID } from 'node:crypto';
import type { HandlerBundle, SynthesizedStack, TemplateResource } from './assembly';
import { invoke, Invocation, InvokeOptions } from './lambda-process';

/** The physical id the Provider framework reports for a failed Create; it skips the Delete that follows. */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

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

export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

export type StackStatus = 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

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
}

export interface SimulatorOptions {
  /** Environment of the handler functions (region, credentials, emulator endpoints). */
  readonly env: Record<string, string>;
  /** Attributes of the template's other (non-custom) resources, for Ref and Fn::GetAtt: {logicalId: {Ref, Attr}}. */
  readonly attributes?: Record<string, Record<string, string>>;
  /** Overrides the functions' timeout, per invocation, and other invoke settings. */
  readonly invoke?: Partial<InvokeOptions>;
}

/**
 * Plays CloudFormation, and the custom-resources Provider framework in front of our handlers, for the
 * custom resources of a synthesized stack: the request sequence of a deployment (creates and updates, then
 * the cleanup phase that deletes replaced and removed resources), of a rollback, and of a stack deletion,
 * with the framework's rules (a failed Create reports a marker id whose Delete is skipped; a Delete may not
 * change the physical id). Resources are processed one at a time, in logical id order.
 */
export class CloudFormationSimulator {
  public readonly stackId = `arn:aws:cloudformation:us-east-1:111111111111:stack/LifecycleStack/${randomUUID()}`;
  /** Every request sent, in order. */
  public readonly history: ResourceEvent[] = [];
  private readonly deployed = new Map<string, DeployedResource>();
  private readonly handlers = new Map<string, HandlerBundle>();
  private everDeployed = false;

  public constructor(private readonly options: SimulatorOptions) {}

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

    for (const [logicalId, definition] of wanted) {
      const properties = this.resolve(definition.Properties ?? {});
      const existing = this.deployed.get(logicalId);
      if (existing && JSON.stringify(existing.properties) === JSON.stringify(properties)) {
        continue;
      }
      attempted.set(logicalId, properties);
      const handler = stack.handlers[logicalId];
      this.handlers.set(logicalId, handler);
      const event = this.request(existing ? 'Update' : 'Create', logicalId, definition, properties, existing);
      const result = await this.dispatch('deploy', handler, event);
      if (result.status === 'FAILED') {
        if (!existing) {
          this.deployed.set(logicalId, { logicalId, physicalId: result.physicalResourceId, properties, data: {}, definition, handler });
        }
        await this.rollback(before, attempted, isCreate);
        return { status: isCreate ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE', events: this.history.slice(start) };
      }
      if (existing && existing.physicalId !== result.physicalResourceId) {
        replaced.push(existing);
      }
      this.deployed.set(logicalId, { logicalId, physicalId: result.physicalResourceId, properties, data: result.data ?? {}, definition, handler });
    }

    // Cleanup phase: only after every resource updated, so a rollback could still return to the old ones.
    for (const old of replaced) {
      if (old.definition.UpdateReplacePolicy !== 'Retain') {
        await this.sendDelete('cleanup', old);
      }
    }
    for (const [logicalId, old] of [...this.deployed].filter(([id]) => !wanted.has(id))) {
      this.deployed.delete(logicalId);
      if (old.definition.DeletionPolicy !== 'Retain') {
        await this.sendDelete('cleanup', old);
      }
    }
    return { status: isCreate ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE', events: this.history.slice(start) };
  }

  /** Deletes the stack: every resource, except those whose DeletionPolicy is Retain. */
  public async deleteStack(): Promise<OperationResult> {
    const start = this.history.length;
    let status: StackStatus = 'DELETE_COMPLETE';
    for (const [logicalId, resource] of [...this.deployed].reverse()) {
      if (resource.definition.DeletionPolicy !== 'Retain' && (await this.sendDelete('delete-stack', resource)).status === 'FAILED') {
        status = 'DELETE_FAILED';
        continue;
      }
      this.deployed.delete(logicalId);
    }
    return { status, events: this.history.slice(start) };
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
  private async rollback(before: Map<string, DeployedResource>, attempted: Map<string, Record<string, unknown>>, isCreate: boolean): Promise<void> {
    const abandoned: DeployedResource[] = [];
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
      this.deployed.set(logicalId, { ...previous, physicalId: result.physicalResourceId, data: result.data ?? previous.data });
      if (now.physicalId !== previous.physicalId && result.physicalResourceId !== now.physicalId) {
        abandoned.push(now);
      }
    }
    for (const resource of abandoned) {
      await this.sendDelete('rollback-cleanup', resource);
    }
  }

  private request(
    requestType: 'Create' | 'Update',
    logicalId: string,
    definition: TemplateResource,
    properties: Record<string, unknown>,
    old?: DeployedResource,
  ): CustomResourceRequest {
    return {
      ...this.envelope(logicalId, definition.Type, properties),
      RequestType: requestType,
      ...(old ? { OldResourceProperties: old.properties, PhysicalResourceId: old.physicalId } : {}),
    };
  }

  private async sendDelete(phase: Phase, resource: DeployedResource): Promise<ResourceEvent> {
    const event: CustomResourceRequest = {
      ...this.envelope(resource.logicalId, resource.definition.Type, resource.properties),
      RequestType: 'Delete',
      PhysicalResourceId: resource.physicalId,
    };
    return this.dispatch(phase, resource.handler, event);
  }

  private envelope(logicalId: string, resourceType: string, properties: Record<string, unknown>) {
    return {
      ServiceToken: String(properties.ServiceToken),
      ResponseURL: `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/secret-${randomUUID()}`,
      StackId: this.stackId,
      RequestId: randomUUID(),
      LogicalResourceId: logicalId,
      ResourceType: resourceType,
      ResourceProperties: properties,
    };
  }

  /** The Provider framework's handling of one request around our handler. */
  private async dispatch(phase: Phase, handler: HandlerBundle, event: CustomResourceRequest, overrides: Partial<InvokeOptions> = {}): Promise<ResourceEvent> {
    let record: ResourceEvent;
    if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) {
      record = { phase, event, status: 'SUCCESS', physicalResourceId: CREATE_FAILED_MARKER };
    } else {
      const invocation = await invoke(handler, event, { ...this.options.invoke, ...overrides, env: this.options.env });
      record = this.respond(phase, event, invocation);
    }
    this.history.push(record);
    return record;
  }

  private respond(phase: Phase, event: CustomResourceRequest, invocation: Invocation): ResourceEvent {
    const fallbackId = event.RequestType === 'Create' ? CREATE_FAILED_MARKER : event.PhysicalResourceId!;
    if (!invocation.outcome.ok) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: invocation.outcome.errorMessage };
    }
    const response = invocation.outcome.response ?? {};
    const physicalResourceId = response.PhysicalResourceId ?? (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId!);
    if (event.RequestType === 'Delete' && physicalResourceId !== event.PhysicalResourceId) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: 'DELETE: cannot change the physical resource ID' };
    }
    if (JSON.stringify(response).length > 4096) {
      return { phase, event, invocation, status: 'FAILED', physicalResourceId: fallbackId, reason: 'Response object is too long.' };
    }
    return { phase, event, invocation, status: 'SUCCESS', physicalResourceId, data: response.Data };
  }

  /** Resolves intrinsics the way CloudFormation would before sending properties; scalars become strings. */
  private resolve(value: any): any {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item));
    }
    if (value === null || typeof value !== 'object') {
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    }
    if ('Fn::GetAtt' in value) {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      return this.deployed.get(logicalId)?.data[attribute] ?? this.attribute(logicalId, attribute);
    }
    if ('Ref' in value) {
      return this.attribute(value.Ref, 'Ref');
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return parts.map((part: unknown) => this.resolve(part)).join(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(item)]));
  }

  private attribute(logicalId: string, attribute: string): string {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '111111111111', 'AWS::StackId': this.stackId };
    if (attribute === 'Ref' && pseudo[logicalId]) {
      return pseudo[logicalId];
    }
    if (attribute === 'Arn') {
      return `arn:aws:lambda:us-east-1:111111111111:function:${logicalId}`;
    }
    const known = this.options.attributes?.[logicalId]?.[attribute];
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
