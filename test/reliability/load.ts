// Load: one stack at the Region's limit of 20 ConnectionAlias constructs plus 100 EmailAddressAlias
// constructs, created, updated and deleted with CloudFormation working on many resources at once, against
// emulated endpoints that throttle above a fixed request rate. Everything must succeed and end as declared.
// Run: npm run test:load   (PARALLEL=<n> resources at once)
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../../lib';
import { ConnectEmulator, FaultPlan, WorkSpacesEmulator } from '../emulator';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, synthesize } from '../harness';

const ALIASES = 20;
const PAIRS = 100;
const PARALLEL = Number(process.env.PARALLEL ?? 40);
/** Requests per second each endpoint serves before it throttles (a token bucket with one second of burst). */
const RATE = { workspaces: 20, connect: 40 };
const INSTANCE = '00000000-1111-2222-3333-444444444444';

/** Throttles calls above `perSecond`, counting what it served and refused. */
function rateLimit(perSecond: number, status: number) {
  const counts = { served: 0, throttled: 0 };
  let tokens = perSecond;
  let last = Date.now();
  const plan: FaultPlan = () => {
    const now = Date.now();
    tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      counts.served++;
      return undefined;
    }
    counts.throttled++;
    return { kind: 'error', status, name: 'ThrottlingException', message: 'Rate exceeded' };
  };
  return { plan, counts };
}

function declare(generation: number) {
  return synthesize((stack: Stack) => {
    for (let i = 0; i < ALIASES; i++) {
      const alias = new ConnectionAlias(stack, `Alias${i}`, {
        connectionString: `desktop${i}.example.com`,
        directoryId: i % 2 === 0 ? `d-${String(1000000000 + i)}` : undefined,
      });
      Tags.of(alias).add('generation', String(generation));
    }
    for (let i = 0; i < PAIRS; i++) {
      // The update moves every pair to a new alias address (a replacement with a cleanup Delete each).
      new EmailAddressAlias(stack, `Pair${i}`, { instanceId: INSTANCE, emailAddressId: `p${i}`, aliasEmailAddressId: `${generation === 1 ? 'a' : 'b'}${i}` });
    }
  });
}

function check(result: OperationResult, expected: string, phase: string, problems: string[]): void {
  const failed = result.events.filter((e) => e.status === 'FAILED');
  if (result.status !== expected || failed.length) {
    problems.push(`${phase}: ${result.status}; ${failed.length} failed: ${failed.slice(0, 3).map((e) => e.reason).join(' | ')}`);
  }
}

async function main(): Promise<void> {
  const workspacesLimit = rateLimit(RATE.workspaces, 400);
  const connectLimit = rateLimit(RATE.connect, 429);
  const workspaces = await WorkSpacesEmulator.start({ createDelayMs: 300, deleteDelayMs: 300, associateDelayMs: 300, disassociateDelayMs: 300, faults: workspacesLimit.plan });
  const connect = await ConnectEmulator.start({ faults: connectLimit.plan });
  connect.addInstance(INSTANCE);
  for (let i = 0; i < PAIRS; i++) {
    ['p', 'a', 'b'].forEach((prefix) => connect.addEmailAddress(INSTANCE, `${prefix}${i}@example.com`, `${prefix}${i}`));
  }
  const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: workspaces.endpoint, connect: connect.endpoint }), concurrency: PARALLEL });
  const problems: string[] = [];
  const timings: string[] = [];
  const phase = async <T>(name: string, work: () => Promise<T>) => {
    const started = Date.now();
    const result = await work();
    timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  try {
    const [v1, v2] = [declare(1), declare(2)];
    check(await phase('create', () => cfn.deploy(v1)), 'CREATE_COMPLETE', 'create', problems);
    const created = workspaces.aliases();
    if (created.length !== ALIASES || created.some((a) => a.state !== 'CREATED' || a.tags.generation !== '1')) {
      problems.push(`after create: ${created.length} aliases, not all CREATED with their tags`);
    }
    if (created.filter((a) => a.associations.length === 1).length !== ALIASES / 2 || connect.associations().length !== PAIRS) {
      problems.push('after create: associations differ from the declaration');
    }

    check(await phase('update', () => cfn.deploy(v2)), 'UPDATE_COMPLETE', 'update', problems);
    if (workspaces.aliases().some((a) => a.tags.generation !== '2') || connect.associations().some((l) => !l.aliasEmailAddressId.startsWith('b'))) {
      problems.push('after update: tags or aliases differ from the declaration');
    }

    check(await phase('delete', () => cfn.deleteStack()), 'DELETE_COMPLETE', 'delete', problems);
    if (workspaces.aliases().length || connect.associations().length) {
      problems.push(`after delete: ${workspaces.aliases().length} aliases and ${connect.associations().length} associations left`);
    }
  } finally {
    await Promise.all([workspaces.stop(), connect.stop()]);
  }

  const share = (c: { served: number; throttled: number }) => `${c.served + c.throttled} calls, ${((100 * c.throttled) / (c.served + c.throttled)).toFixed(1)} % throttled`;
  console.log(`Load: ${ALIASES} ConnectionAlias + ${PAIRS} EmailAddressAlias in one stack, ${PARALLEL} resources at once.`);
  console.log(`  WorkSpaces (throttles above ${RATE.workspaces}/s): ${share(workspacesLimit.counts)}`);
  console.log(`  Connect (throttles above ${RATE.connect}/s): ${share(connectLimit.counts)}`);
  console.log(`  events: ${cfn.history.length}, all ${cfn.history.every((e) => e.status === 'SUCCESS') ? 'succeeded' : 'NOT succeeded'}; ${timings.join(', ')}`);
  problems.forEach((p) => console.log(`FAIL ${p}`));
  console.log(`load: ${problems.length ? 0 : 1} passed, ${problems.length ? 1 : 0} failed`);
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
