// API-call budgets: how many service calls each lifecycle step of each construct makes, counted by the
// emulators, with the real bundled handler driven through CloudFormation's request sequence. Transitions
// are instant (delay 0), so the count is the handler's own looks and changes, not its polling: every extra
// call here is paid again on every deployment, and counts against the service's throttling limits.
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../lib';
import { ConnectEmulator, EmulatedEndpoint, WorkSpacesEmulator } from '../testkit';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, synthesize, SynthesizedStack } from '../testkit';

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const ADDRESS = { a: 'aaaaaaaa-0000-0000-0000-000000000001', b: 'aaaaaaaa-0000-0000-0000-000000000002', c: 'aaaaaaaa-0000-0000-0000-000000000003' };

interface Step {
  readonly name: string;
  readonly run: (cfn: CloudFormationSimulator) => Promise<OperationResult>;
  readonly status: string;
  /** Most calls the step may make (requests of the step's cleanup phase included). */
  readonly budget: number;
}

// Budgets: the count measured when they were set (in parentheses) plus 2, room for one more look (say, a
// Describe after a change to confirm it) on either side of a change; more than that is a second wait or a
// repeated lookup, worth a review. The counts are exact at delay 0: each wait sees the transition done at
// its first look.
function connectionAliasSteps(): Step[] {
  const alias = (directoryId: string, team: string): SynthesizedStack =>
    synthesize((stack: Stack) => {
      const construct = new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId });
      Tags.of(construct).add('team', team);
    });
  const [v1, v2, v3] = [alias('d-1111111111', 'euc'), alias('d-1111111111', 'vdi'), alias('d-2222222222', 'vdi')];
  return [
    { name: 'create (with directory)', run: (cfn) => cfn.deploy(v1), status: 'CREATE_COMPLETE', budget: 8 + 2 },
    { name: 'update (tags, in place)', run: (cfn) => cfn.deploy(v2), status: 'UPDATE_COMPLETE', budget: 7 + 2 },
    { name: 'update (move directory)', run: (cfn) => cfn.deploy(v3), status: 'UPDATE_COMPLETE', budget: 10 + 2 },
    { name: 'delete', run: (cfn) => cfn.deleteStack(), status: 'DELETE_COMPLETE', budget: 10 + 2 },
  ];
}

function emailAddressAliasSteps(): Step[] {
  const email = (aliasId: string) =>
    synthesize((stack: Stack) => new EmailAddressAlias(stack, 'Alias', { instanceId: INSTANCE, emailAddressId: ADDRESS.a, aliasEmailAddressId: aliasId }));
  const [e1, e2] = [email(ADDRESS.b), email(ADDRESS.c)];
  return [
    // Both addresses are looked at (their marks say who owns them) and marked before the association: 3 calls more.
    { name: 'create', run: (cfn) => cfn.deploy(e1), status: 'CREATE_COMPLETE', budget: 6 + 2 },
    // The Update disassociates b, marks c and associates it; CloudFormation then sends the cleanup Delete of the
    // old id, which reads both old addresses and removes b's marks.
    { name: 'update (swap alias)', run: (cfn) => cfn.deploy(e2), status: 'UPDATE_COMPLETE', budget: 12 + 2 },
    // Reads both addresses' marks, disassociates, removes the marks.
    { name: 'delete', run: (cfn) => cfn.deleteStack(), status: 'DELETE_COMPLETE', budget: 6 + 2 },
  ];
}

/** Runs the steps in order against `emulator`, checking each ends as expected; returns the calls per step. */
async function callsPerStep(emulator: EmulatedEndpoint, env: Record<string, string>, steps: Step[]): Promise<Map<string, string[]>> {
  const cfn = new CloudFormationSimulator({ env });
  const calls = new Map<string, string[]>();
  for (const step of steps) {
    const before = emulator.calls.length;
    const result = await step.run(cfn);
    const reasons = result.events.map((e) => e.reason).filter(Boolean);
    expect({ step: step.name, status: result.status, reasons }).toEqual({ step: step.name, status: step.status, reasons: [] });
    calls.set(step.name, emulator.calls.slice(before).map((c) => c.operation));
  }
  return calls;
}

/** "DescribeTags 1, CreateTags 2": the calls by operation, for the assertion message. */
const tally = (operations: string[]) =>
  [...new Set(operations)].sort().map((op) => `${op} ${operations.filter((o) => o === op).length}`).join(', ');

function expectWithinBudgets(steps: Step[], calls: Map<string, string[]>): void {
  const measured = steps.map((s) => ({ step: s.name, calls: calls.get(s.name)!.length, budget: s.budget, byOperation: tally(calls.get(s.name)!) }));
  process.stdout.write(`${measured.map((m) => `${m.step}: ${m.calls} calls (budget ${m.budget}): ${m.byOperation}`).join('\n')}\n`);
  // One assertion over every step, so a failure shows the whole table (measured, budget and operations).
  expect(measured.filter((m) => m.calls > m.budget)).toEqual([]);
}

test('ConnectionAlias: API calls per lifecycle step', async () => {
  const emulator = await WorkSpacesEmulator.start({ createDelayMs: 0, deleteDelayMs: 0, associateDelayMs: 0, disassociateDelayMs: 0 });
  try {
    const steps = connectionAliasSteps();
    expectWithinBudgets(steps, await callsPerStep(emulator, emulatorEnvironment({ workspaces: emulator.endpoint }), steps));
    expect(emulator.aliases()).toEqual([]);
  } finally {
    await emulator.stop();
  }
});

test('EmailAddressAlias: API calls per lifecycle step', async () => {
  const emulator = await ConnectEmulator.start();
  try {
    emulator.addInstance(INSTANCE);
    emulator.addEmailAddress(INSTANCE, 'support@example.com', ADDRESS.a);
    emulator.addEmailAddress(INSTANCE, 'help@example.com', ADDRESS.b);
    emulator.addEmailAddress(INSTANCE, 'contact@example.com', ADDRESS.c);
    const steps = emailAddressAliasSteps();
    expectWithinBudgets(steps, await callsPerStep(emulator, emulatorEnvironment({ connect: emulator.endpoint }), steps));
    expect(emulator.associations()).toEqual([]);
  } finally {
    await emulator.stop();
  }
});
