import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../lambda/environment';

/** A CloudFormation template as synthesized. */
export interface Template {
  readonly Resources: Record<string, TemplateResource>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, any>;
}

/** The bundled onEvent handler behind a custom resource, as found in the cloud assembly. */
export interface HandlerBundle {
  /** Absolute path of the bundled module (the asset's index.js). */
  readonly modulePath: string;
  /** The function's configured timeout, in milliseconds. */
  readonly timeoutMs: number;
}

/** A synthesized stack: its template and the handler bundles its custom resources use. */
export interface SynthesizedStack {
  readonly stackName: string;
  /** The stack's account and Region (the defaults when the stack is environment-agnostic). */
  readonly accountId: string;
  readonly region: string;
  readonly template: Template;
  /** Handler bundle by custom resource logical id. */
  readonly handlers: Record<string, HandlerBundle>;
}

/**
 * Synthesizes the stack that `build` defines into a fresh cloud assembly and follows each custom resource's
 * ServiceToken to the code that would run: ServiceToken → Provider framework function →
 * its USER_ON_EVENT_FUNCTION_ARN → the user function → its asset folder in the assembly.
 */
export function synthesize(build: (stack: Stack) => void): SynthesizedStack {
  return synthesizeStack((app) => {
    const stack = new Stack(app, 'LifecycleStack', { env: { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION } });
    build(stack);
    return stack;
  });
}

/** Like `synthesize`, for a stack that `create` makes in the given app (e.g. a Stack subclass). */
export function synthesizeStack(create: (app: App) => Stack): SynthesizedStack {
  let created: Stack | undefined;
  const stacks = synthesizeApp((app) => {
    created = create(app);
    return [created];
  });
  return stacks[created!.stackName];
}

/**
 * Synthesizes the stacks that `create` makes in one app (e.g. one per Region and account) into one cloud
 * assembly; returns each, with its handlers, by stack name.
 */
export function synthesizeApp(create: (app: App) => Stack[]): Record<string, SynthesizedStack> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-aliases-assembly-'));
  // The CLI turns on asset metadata; it is what ties a function to its asset folder in the assembly.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stacks = create(app);
  const assembly = app.synth();
  const result: Record<string, SynthesizedStack> = {};
  for (const stack of stacks) {
    const template: Template = assembly.getStackByName(stack.stackName).template;
    const handlers: Record<string, HandlerBundle> = {};
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type.startsWith('Custom::')) {
        handlers[logicalId] = handlerBehind(template, resource, outdir);
      }
    }
    result[stack.stackName] = {
      stackName: stack.stackName,
      accountId: Token.isUnresolved(stack.account) ? DEFAULT_ACCOUNT : stack.account,
      region: Token.isUnresolved(stack.region) ? DEFAULT_REGION : stack.region,
      template,
      handlers,
    };
  }
  return result;
}

function handlerBehind(template: Template, resource: TemplateResource, outdir: string): HandlerBundle {
  const framework = template.Resources[getAttTarget(resource.Properties?.ServiceToken)];
  const userFunctionArn = framework.Properties?.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN;
  const userFunction = template.Resources[getAttTarget(userFunctionArn)];
  const assetPath = userFunction.Metadata?.['aws:asset:path'];
  if (!assetPath) {
    throw new Error('The handler function has no aws:asset:path metadata');
  }
  const modulePath = path.join(outdir, assetPath, `${String(userFunction.Properties?.Handler).split('.')[0]}.js`);
  return { modulePath, timeoutMs: Number(userFunction.Properties?.Timeout ?? 3) * 1000 };
}

function getAttTarget(value: any): string {
  const target = value?.['Fn::GetAtt']?.[0];
  if (typeof target !== 'string') {
    throw new Error(`Expected an Fn::GetAtt, got ${JSON.stringify(value)}`);
  }
  return target;
}
