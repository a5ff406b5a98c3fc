// Deploy latency and API calls per event, in the lifecycle harness: the synthesized stack's real bundled
// handler, driven through CloudFormation's request sequence (CloudFormationSimulator), each invocation a
// fresh process (as a cold Lambda), against the emulated WorkSpaces / Connect endpoints with the service's
// transition delays set to 0, 2 and 10 s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../lib';
import { ConnectEmulator, EmulatedEndpoint, WorkSpacesEmulator } from '../testkit';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, synthesize, SynthesizedStack } from '../testkit';
import { DEFAULT_BACKOFF } from '../lambda/shared/poll';
import { median, summarize, Summary } from './stats';
import { withRetries } from './synth';

export type Construct = 'ConnectionAlias' | 'EmailAddressAlias';

export interface EventSample {
  readonly construct: Construct;
  readonly delayS: number;
  readonly sample: number;
  readonly step: string;
  readonly requestType: string;
  /** Service transitions the handler has to wait for in this event (each takes delayS). */
  readonly transitions: number;
  /** Wall time of the invocation as the harness measures it: process start, module load, handler, exit. */
  readonly durationMs: number;
  readonly overheadMs: number;
  readonly calls: Record<string, number>;
  readonly totalCalls: number;
}

export interface StepSummary {
  readonly construct: Construct;
  readonly delayS: number;
  readonly step: string;
  readonly transitions: number;
  readonly serviceDelayMs: number;
  readonly durationMs: Summary;
  readonly overheadMs: Summary;
  readonly overheadPerTransitionMs?: number;
  /** The poll schedule's own overshoot, computed from DEFAULT_BACKOFF (not measured), per transition. */
  readonly modelOvershootPerTransitionMs?: number;
  readonly totalCalls: Summary;
  readonly calls: Record<string, number>;
}

export interface LatencyResults {
  /** Configured memory of the handler and of the Provider framework's onEvent function, from the template. */
  readonly memoryMb: Record<Construct, { handler: number; framework: number }>;
  readonly delaysS: number[];
  readonly samples: Record<string, number>;
  readonly backoff: typeof DEFAULT_BACKOFF;
  readonly steps: StepSummary[];
  readonly raw: EventSample[];
}

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const ADDRESS = {
  a: 'aaaaaaaa-0000-0000-0000-000000000001',
  b: 'aaaaaaaa-0000-0000-0000-000000000002',
  c: 'aaaaaaaa-0000-0000-0000-000000000003',
};

interface Step {
  readonly name: string;
  readonly transitions: number;
  readonly run: (cfn: CloudFormationSimulator) => Promise<OperationResult>;
  readonly expect: string;
}

/** MemorySize of the user handler and of the framework's onEvent function (Lambda's default when unset). */
function memoryOf(stack: SynthesizedStack): { handler: number; framework: number } {
  const functions = Object.values(stack.template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  const size = (handler: string) => Number(functions.find((f) => f.Properties?.Handler === handler)?.Properties?.MemorySize ?? 128);
  return { handler: size('index.handler'), framework: size('framework.onEvent') };
}

/** The stacks of each scenario, synthesized once and deployed by every sample. */
function scenarios(): { steps: Record<Construct, Step[]>; memoryMb: Record<Construct, { handler: number; framework: number }> } {
  const alias = (directoryId: string, team: string): SynthesizedStack =>
    trackAssembly(() =>
      synthesize((stack: Stack) => {
        const construct = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId });
        Tags.of(construct).add('team', team);
      }),
    );
  const v1 = alias('d-1111111111', 'euc');
  const v2 = alias('d-1111111111', 'vdi');
  const v3 = alias('d-2222222222', 'vdi');
  const email = (aliasId: string) =>
    trackAssembly(() => synthesize((stack: Stack) => new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: ADDRESS.a, aliasEmailAddressId: aliasId })));
  const e1 = email(ADDRESS.b);
  const e2 = email(ADDRESS.c);
  const steps: Record<Construct, Step[]> = {
    ConnectionAlias: [
      // CREATING -> CREATED, then PENDING_ASSOCIATION -> associated.
      { name: 'create (with directory)', transitions: 2, run: (cfn) => cfn.deploy(v1), expect: 'CREATE_COMPLETE' },
      { name: 'update (tags, in place)', transitions: 0, run: (cfn) => cfn.deploy(v2), expect: 'UPDATE_COMPLETE' },
      // PENDING_DISASSOCIATION -> gone, then PENDING_ASSOCIATION -> associated.
      { name: 'update (move directory)', transitions: 2, run: (cfn) => cfn.deploy(v3), expect: 'UPDATE_COMPLETE' },
      // PENDING_DISASSOCIATION -> gone, then DELETING -> gone.
      { name: 'delete', transitions: 2, run: (cfn) => cfn.deleteStack(), expect: 'DELETE_COMPLETE' },
    ],
    EmailAddressAlias: [
      { name: 'create', transitions: 0, run: (cfn) => cfn.deploy(e1), expect: 'CREATE_COMPLETE' },
      // An Update that disassociates b and associates c, then CloudFormation's cleanup Delete of the old id.
      { name: 'update (swap alias)', transitions: 0, run: (cfn) => cfn.deploy(e2), expect: 'UPDATE_COMPLETE' },
      { name: 'delete', transitions: 0, run: (cfn) => cfn.deleteStack(), expect: 'DELETE_COMPLETE' },
    ],
  };
  return { steps, memoryMb: { ConnectionAlias: memoryOf(v1), EmailAddressAlias: memoryOf(e1) } };
}

/** Counts the emulator's calls per request by wrapping the simulator's dispatch of each request. */
function recordRequests(cfn: CloudFormationSimulator, emulator: EmulatedEndpoint) {
  const requests: Array<{ phase: string; requestType: string; durationMs: number; calls: string[] }> = [];
  const target = cfn as any;
  const original = target.dispatch;
  if (typeof original !== 'function') {
    throw new Error('CloudFormationSimulator no longer has dispatch(); update bench/latency.ts');
  }
  target.dispatch = async (...args: any[]) => {
    const before = emulator.calls.length;
    const record = await original.apply(cfn, args);
    requests.push({
      phase: record.phase,
      requestType: record.event.RequestType,
      durationMs: record.invocation?.durationMs ?? 0,
      calls: emulator.calls.slice(before).map((c) => c.operation),
    });
    return record;
  };
  return requests;
}

async function runLifecycle(construct: Construct, steps: Step[], delayS: number, sample: number): Promise<EventSample[]> {
  const delayMs = delayS * 1000;
  let emulator: EmulatedEndpoint;
  let env: Record<string, string>;
  if (construct === 'ConnectionAlias') {
    const ws = await WorkSpacesEmulator.start({ createDelayMs: delayMs, deleteDelayMs: delayMs, associateDelayMs: delayMs, disassociateDelayMs: delayMs });
    emulator = ws;
    env = emulatorEnvironment({ workspaces: ws.endpoint });
  } else {
    const connect = await ConnectEmulator.start();
    connect.addInstance(INSTANCE);
    connect.addEmailAddress(INSTANCE, 'support@example.com', ADDRESS.a);
    connect.addEmailAddress(INSTANCE, 'help@example.com', ADDRESS.b);
    connect.addEmailAddress(INSTANCE, 'contact@example.com', ADDRESS.c);
    emulator = connect;
    env = emulatorEnvironment({ connect: connect.endpoint });
  }
  const out: EventSample[] = [];
  try {
    const cfn = new CloudFormationSimulator({ env });
    const requests = recordRequests(cfn, emulator);
    for (const step of steps) {
      const first = requests.length;
      const result = await step.run(cfn);
      if (result.status !== step.expect) {
        const reasons = result.events.map((e) => e.reason).filter(Boolean).join('; ');
        throw new Error(`${construct} ${step.name} at ${delayS}s ended ${result.status}, expected ${step.expect}: ${reasons}`);
      }
      for (const [i, request] of requests.slice(first).entries()) {
        const isCleanup = request.phase === 'cleanup';
        const transitions = i === 0 && !isCleanup ? step.transitions : 0;
        const calls: Record<string, number> = {};
        request.calls.forEach((op) => (calls[op] = (calls[op] ?? 0) + 1));
        out.push({
          construct,
          delayS,
          sample,
          step: isCleanup ? `${step.name}: cleanup Delete of the old id` : step.name,
          requestType: request.requestType,
          transitions,
          durationMs: request.durationMs,
          overheadMs: request.durationMs - transitions * delayMs,
          calls,
          totalCalls: request.calls.length,
        });
      }
    }
    if (construct === 'ConnectionAlias' && (emulator as WorkSpacesEmulator).aliases().length !== 0) {
      throw new Error('ConnectionAlias lifecycle left an alias behind');
    }
    if (construct === 'EmailAddressAlias' && (emulator as ConnectEmulator).associations().length !== 0) {
      throw new Error('EmailAddressAlias lifecycle left an association behind');
    }
  } finally {
    await emulator.stop();
  }
  return out;
}

/** When the poll schedule first looks at or after `delayMs` (probes at 0, then after each backoff sleep). */
export function modelPollTime(delayMs: number, backoff = DEFAULT_BACKOFF): { doneAtMs: number; probes: number } {
  let t = 0;
  let sleep = backoff.initialDelayMs;
  let probes = 1;
  while (t < delayMs) {
    t += sleep;
    sleep = Math.min(backoff.maxDelayMs, sleep * backoff.factor);
    probes++;
  }
  return { doneAtMs: t, probes };
}

export async function runLatency(
  options: { delaysS: number[]; samples: Record<string, number> },
  log: (line: string) => void,
): Promise<LatencyResults> {
  log('  latency: synthesizing the scenario stacks');
  const { steps: stacks, memoryMb } = scenarios();
  const raw: EventSample[] = [];

  // Delay 0: one lifecycle at a time (the figures are all overhead, so keep the machine quiet).
  for (const construct of ['ConnectionAlias', 'EmailAddressAlias'] as Construct[]) {
    for (let i = 0; i < options.samples['0']; i++) {
      raw.push(...(await runLifecycle(construct, stacks[construct], 0, i)));
    }
    log(`  latency: ${construct} at 0 s done`);
  }
  // Longer delays: lifecycles mostly sleep, so they run side by side (each against its own emulator).
  const slow = options.delaysS.filter((d) => d > 0);
  const runs = slow.flatMap((delayS) =>
    Array.from({ length: options.samples[String(delayS)] }, (_, i) =>
      runLifecycle('ConnectionAlias', stacks.ConnectionAlias, delayS, i).then((events) => {
        log(`  latency: ConnectionAlias at ${delayS} s, sample ${i + 1} done`);
        return events;
      }),
    ),
  );
  for (const events of await Promise.all(runs)) raw.push(...events);

  cleanupAssemblies();

  const keys = [...new Set(raw.map((e) => `${e.construct}|${e.delayS}|${e.step}`))];
  const steps = keys.map((key): StepSummary => {
    const events = raw.filter((e) => `${e.construct}|${e.delayS}|${e.step}` === key);
    const { construct, delayS, step, transitions } = events[0];
    const ops = [...new Set(events.flatMap((e) => Object.keys(e.calls)))].sort();
    const overhead = summarize(events.map((e) => e.overheadMs));
    const model = transitions > 0 ? modelPollTime(delayS * 1000).doneAtMs - delayS * 1000 : undefined;
    return {
      construct,
      delayS,
      step,
      transitions,
      serviceDelayMs: transitions * delayS * 1000,
      durationMs: summarize(events.map((e) => e.durationMs)),
      overheadMs: overhead,
      overheadPerTransitionMs: transitions > 0 ? overhead.median / transitions : undefined,
      modelOvershootPerTransitionMs: model,
      totalCalls: summarize(events.map((e) => e.totalCalls)),
      calls: Object.fromEntries(ops.map((op) => [op, median(events.map((e) => e.calls[op] ?? 0))])),
    };
  });
  return { memoryMb, delaysS: options.delaysS, samples: options.samples, backoff: DEFAULT_BACKOFF, steps, raw };
}

/** The cloud assemblies synthesize() left in the temp directory (found from the handler's path), removed after the run. */
const assemblies = new Set<string>();
function trackAssembly(build: () => SynthesizedStack): SynthesizedStack {
  const stack = withRetries(build);
  for (const handler of Object.values(stack.handlers)) assemblies.add(path.dirname(path.dirname(handler.modulePath)));
  return stack;
}
function cleanupAssemblies(): void {
  for (const dir of assemblies) {
    if (path.basename(dir).startsWith('cdk-aliases-assembly-')) fs.rmSync(dir, { recursive: true, force: true });
  }
}
