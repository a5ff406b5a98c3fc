// Load: one stack at the Region's limit of 20 ConnectionAlias constructs plus 100 EmailAddressAlias
// constructs, created, updated and deleted with CloudFormation working on many resources at once, against
// emulated endpoints that throttle above a fixed request rate. Every phase must succeed and end as declared;
// the figures are printed after the run.
// Run: npm run test:load   (PARALLEL=<n> resources at once, default 40)
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../../lib';
import { CloudFormationSimulator, ConnectEmulator, emulatorEnvironment, OperationResult, rateLimit, synthesize, WorkSpacesEmulator } from '../../testkit';

const ALIASES = 20;
const PAIRS = 100;
const PARALLEL = Number(process.env.PARALLEL ?? 40);
/** Requests per second each endpoint serves before it throttles. */
const RATE = { workspaces: 20, connect: 40 };
const INSTANCE = '00000000-1111-2222-3333-444444444444';

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

const workspacesLimit = rateLimit(RATE.workspaces, 400);
const connectLimit = rateLimit(RATE.connect, 429);
let workspaces: WorkSpacesEmulator;
let connect: ConnectEmulator;
let cfn: CloudFormationSimulator;
const timings: string[] = [];

beforeAll(async () => {
  workspaces = await WorkSpacesEmulator.start({ createDelayMs: 300, deleteDelayMs: 300, associateDelayMs: 300, disassociateDelayMs: 300, faults: workspacesLimit.plan });
  connect = await ConnectEmulator.start({ faults: connectLimit.plan });
  connect.addInstance(INSTANCE);
  for (let i = 0; i < PAIRS; i++) {
    ['p', 'a', 'b'].forEach((prefix) => connect.addEmailAddress(INSTANCE, `${prefix}${i}@example.com`, `${prefix}${i}`));
  }
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: workspaces.endpoint, connect: connect.endpoint }), concurrency: PARALLEL });
});

afterAll(async () => {
  await Promise.all([workspaces?.stop(), connect?.stop()]);
  const share = (c: { served: number; throttled: number }) =>
    `${c.served + c.throttled} calls, ${((100 * c.throttled) / Math.max(1, c.served + c.throttled)).toFixed(1)} % throttled`;
  process.stdout.write([
    '',
    `Load: ${ALIASES} ConnectionAlias + ${PAIRS} EmailAddressAlias in one stack, ${PARALLEL} resources at once.`,
    `  WorkSpaces (throttles above ${RATE.workspaces}/s): ${share(workspacesLimit.counts)}`,
    `  Connect (throttles above ${RATE.connect}/s): ${share(connectLimit.counts)}`,
    `  events: ${cfn.history.length}, ${cfn.history.filter((e) => e.status === 'FAILED').length} failed; ${timings.join(', ')}`,
    '',
  ].join('\n'));
});

async function phase(name: string, work: () => Promise<OperationResult>): Promise<OperationResult> {
  const started = Date.now();
  const result = await work();
  timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** The failed requests' reasons, so that a failing phase says why. */
function failures(result: OperationResult): string[] {
  return result.events.filter((e) => e.status === 'FAILED').map((e) => `${e.event.LogicalResourceId} ${e.event.RequestType}: ${e.reason}`);
}

const [v1, v2] = [declare(1), declare(2)];

// The phases build on each other, in order: a failed create leaves nothing for the update to prove.
test('create: every alias CREATED with its tags, every declared association made', async () => {
  const result = await phase('create', () => cfn.deploy(v1));
  expect(failures(result)).toEqual([]);
  expect(result.status).toBe('CREATE_COMPLETE');
  const created = workspaces.aliases();
  expect(created).toHaveLength(ALIASES);
  expect(created.filter((a) => a.state !== 'CREATED' || a.tags.generation !== '1')).toEqual([]);
  expect(created.filter((a) => a.associations.length === 1)).toHaveLength(ALIASES / 2);
  expect(connect.associations()).toHaveLength(PAIRS);
});

test('update: tags changed in place, every pair moved to its new alias', async () => {
  const result = await phase('update', () => cfn.deploy(v2));
  expect(failures(result)).toEqual([]);
  expect(result.status).toBe('UPDATE_COMPLETE');
  expect(workspaces.aliases().filter((a) => a.tags.generation !== '2')).toEqual([]);
  expect(connect.associations().filter((l) => !l.aliasEmailAddressId.startsWith('b'))).toEqual([]);
  expect(connect.associations()).toHaveLength(PAIRS);
});

test('delete: nothing left', async () => {
  const result = await phase('delete', () => cfn.deleteStack());
  expect(failures(result)).toEqual([]);
  expect(result.status).toBe('DELETE_COMPLETE');
  expect(workspaces.aliases()).toEqual([]);
  expect(connect.associations()).toEqual([]);
});
