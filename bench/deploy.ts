// Deploy overhead: the synthesized stack's real bundled handler, driven through CloudFormation's request
// sequence (CloudFormationSimulator, a fresh process per request as a cold Lambda) against the emulated
// services, with every WorkSpaces transition (create, associate, disassociate, delete) taking 0, 2 or 10 s.
// Overhead is the wall time of a step minus the service time it has to wait for; what remains is start-up,
// the calls themselves and the poll schedule's overshoot (lambda/shared/poll.ts). API calls at delay 0 are
// budget tests (test/budgets-api-calls.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../lib';
import { DEFAULT_BACKOFF } from '../lambda/shared/poll';
import { ConnectEmulator, EmulatedEndpoint, WorkSpacesEmulator } from '../testkit';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, synthesize, SynthesizedStack } from '../testkit';
import { summarize, Summary } from './summary';

export type Construct = 'ConnectionAlias' | 'EmailAddressAlias';

interface Step {
  readonly name: string;
  /** Service transitions the step waits for (each takes the delay). */
  readonly transitions: number;
  readonly run: (cfn: CloudFormationSimulator) => Promise<OperationResult>;
  readonly status: string;
}

/** One step of one lifecycle: its wall time (every request of the step) and its API calls. */
export interface StepSample {
  readonly construct: Construct;
  readonly delayS: number;
  readonly step: string;
  readonly transitions: number;
  readonly wallMs: number;
  readonly calls: number;
}

export interface StepResult {
  readonly construct: Construct;
  readonly delayS: number;
  readonly step: string;
  readonly transitions: number;
  readonly overheadMs: Summary;
  /** The poll schedule's own overshoot per transition, computed from DEFAULT_BACKOFF (not measured). */
  readonly modelOvershootMs?: number;
  readonly calls: Summary;
}

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const ADDRESS = { a: 'aaaaaaaa-0000-0000-0000-000000000001', b: 'aaaaaaaa-0000-0000-0000-000000000002', c: 'aaaaaaaa-0000-0000-0000-000000000003' };

/** The stacks of each lifecycle, synthesized once; returns the steps and the assembly folders to remove after. */
function lifecycles(): { steps: Record<Construct, Step[]>; assemblies: string[] } {
  const stacks: SynthesizedStack[] = [];
  const track = (stack: SynthesizedStack) => (stacks.push(stack), stack);
  const alias = (directoryId: string, team: string) =>
    track(
      synthesize((stack: Stack) => {
        Tags.of(new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId })).add('team', team);
      }),
    );
  const [v1, v2, v3] = [alias('d-1111111111', 'euc'), alias('d-1111111111', 'vdi'), alias('d-2222222222', 'vdi')];
  const email = (aliasId: string) =>
    track(synthesize((stack: Stack) => new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: ADDRESS.a, aliasEmailAddressId: aliasId })));
  const [e1, e2] = [email(ADDRESS.b), email(ADDRESS.c)];
  const steps: Record<Construct, Step[]> = {
    ConnectionAlias: [
      // CREATING -> CREATED, then PENDING_ASSOCIATION -> associated.
      { name: 'create (with directory)', transitions: 2, run: (cfn) => cfn.deploy(v1), status: 'CREATE_COMPLETE' },
      { name: 'update (tags, in place)', transitions: 0, run: (cfn) => cfn.deploy(v2), status: 'UPDATE_COMPLETE' },
      // PENDING_DISASSOCIATION -> gone, then PENDING_ASSOCIATION -> associated.
      { name: 'update (move directory)', transitions: 2, run: (cfn) => cfn.deploy(v3), status: 'UPDATE_COMPLETE' },
      // PENDING_DISASSOCIATION -> gone, then DELETING -> gone.
      { name: 'delete', transitions: 2, run: (cfn) => cfn.deleteStack(), status: 'DELETE_COMPLETE' },
    ],
    // Association is synchronous in Connect: no transitions to wait for.
    EmailAddressAlias: [
      { name: 'create', transitions: 0, run: (cfn) => cfn.deploy(e1), status: 'CREATE_COMPLETE' },
      { name: 'update (swap alias, with the cleanup Delete)', transitions: 0, run: (cfn) => cfn.deploy(e2), status: 'UPDATE_COMPLETE' },
      { name: 'delete', transitions: 0, run: (cfn) => cfn.deleteStack(), status: 'DELETE_COMPLETE' },
    ],
  };
  const assemblies = stacks.flatMap((s) => Object.values(s.handlers).map((h) => path.dirname(path.dirname(h.modulePath))));
  return { steps, assemblies: [...new Set(assemblies)] };
}

async function emulatorFor(construct: Construct, delayMs: number): Promise<{ emulator: EmulatedEndpoint; env: Record<string, string>; leftOver: () => unknown[] }> {
  if (construct === 'ConnectionAlias') {
    const ws = await WorkSpacesEmulator.start({ createDelayMs: delayMs, deleteDelayMs: delayMs, associateDelayMs: delayMs, disassociateDelayMs: delayMs });
    return { emulator: ws, env: emulatorEnvironment({ workspaces: ws.endpoint }), leftOver: () => ws.aliases() };
  }
  const connect = await ConnectEmulator.start();
  connect.addInstance(INSTANCE);
  connect.addEmailAddress(INSTANCE, 'support@example.com', ADDRESS.a);
  connect.addEmailAddress(INSTANCE, 'help@example.com', ADDRESS.b);
  connect.addEmailAddress(INSTANCE, 'contact@example.com', ADDRESS.c);
  return { emulator: connect, env: emulatorEnvironment({ connect: connect.endpoint }), leftOver: () => connect.associations() };
}

async function runLifecycle(construct: Construct, steps: Step[], delayS: number): Promise<StepSample[]> {
  const { emulator, env, leftOver } = await emulatorFor(construct, delayS * 1000);
  const out: StepSample[] = [];
  try {
    const cfn = new CloudFormationSimulator({ env });
    for (const step of steps) {
      const [firstRequest, callsBefore] = [cfn.history.length, emulator.calls.length];
      const result = await step.run(cfn);
      if (result.status !== step.status) {
        throw new Error(`${construct} ${step.name} at ${delayS} s ended ${result.status}: ${result.events.map((e) => e.reason).filter(Boolean).join('; ')}`);
      }
      const wallMs = cfn.history.slice(firstRequest).reduce((sum, e) => sum + (e.invocation?.durationMs ?? 0), 0);
      out.push({ construct, delayS, step: step.name, transitions: step.transitions, wallMs, calls: emulator.calls.length - callsBefore });
    }
    if (leftOver().length !== 0) throw new Error(`${construct} lifecycle at ${delayS} s left ${JSON.stringify(leftOver())} behind`);
  } finally {
    await emulator.stop();
  }
  return out;
}

/** How far past the end of a transition of `delayMs` the poll schedule first looks (probes at 0, then after each sleep). */
export function modelOvershootMs(delayMs: number, backoff = DEFAULT_BACKOFF): number {
  let [t, sleep] = [0, backoff.initialDelayMs];
  while (t < delayMs) {
    t += sleep;
    sleep = Math.min(backoff.maxDelayMs, sleep * backoff.factor);
  }
  return t - delayMs;
}

export async function runDeploy(
  options: { quietSamples: number; slow: Array<{ delayS: number; samples: number }> },
  log: (line: string) => void,
): Promise<{ results: StepResult[]; samples: StepSample[] }> {
  const { steps, assemblies } = lifecycles();
  const samples: StepSample[] = [];
  try {
    // Delay 0: one lifecycle at a time; the figures are all overhead, so keep the machine quiet.
    for (const construct of ['ConnectionAlias', 'EmailAddressAlias'] as Construct[]) {
      for (let i = 0; i < options.quietSamples; i++) samples.push(...(await runLifecycle(construct, steps[construct], 0)));
      log(`  deploy: ${construct} at 0 s done`);
    }
    // Longer delays: the lifecycles mostly sleep, so they run side by side, each against its own emulator.
    const slow = options.slow.flatMap(({ delayS, samples: n }) =>
      Array.from({ length: n }, () => runLifecycle('ConnectionAlias', steps.ConnectionAlias, delayS)),
    );
    for (const lifecycle of await Promise.all(slow)) samples.push(...lifecycle);
    log('  deploy: ConnectionAlias with delays done');
  } finally {
    for (const dir of assemblies) if (path.basename(dir).startsWith('cdk-aliases-assembly-')) fs.rmSync(dir, { recursive: true, force: true });
  }

  const keys = [...new Set(samples.map((s) => `${s.construct}|${s.delayS}|${s.step}`))];
  const results = keys.map((key): StepResult => {
    const of = samples.filter((s) => `${s.construct}|${s.delayS}|${s.step}` === key);
    const { construct, delayS, step, transitions } = of[0];
    return {
      construct,
      delayS,
      step,
      transitions,
      overheadMs: summarize(of.map((s) => s.wallMs - s.transitions * s.delayS * 1000)),
      modelOvershootMs: transitions > 0 && delayS > 0 ? modelOvershootMs(delayS * 1000) : undefined,
      calls: summarize(of.map((s) => s.calls)),
    };
  });
  return { results, samples };
}
