// API calls and deploy overhead of a ConnectionAliasAssociation's create and delete, in the lifecycle harness:
//   npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json bench/association-cost.ts
// (run `npm run bundle` first). Account B associates the alias account A shares with it, through the real
// bundled handler (a cold Lambda process per request) against the emulated WorkSpaces. Overhead is the wall
// time of the stack operation minus the emulated service's own transition delay (one association or one
// disassociation); RUNS runs, median and worst.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ConnectionAlias, ConnectionAliasAssociation } from '../lib';
import { CloudFormationSimulator, emulatorEnvironment, synthesizeApp, WorkSpacesEmulator } from '../testkit';

const RUNS = Number(process.env.RUNS ?? 5);
const DELAY_MS = Number(process.env.DELAY_MS ?? 300);
const OWNER = '111111111111';
const SHARED = '222222222222';
const ALIAS_ID = 'wsca-shared0001';

const stack = synthesizeApp((app) => {
  const s = new Stack(app, 'Shared', { env: { account: SHARED, region: 'us-east-1' } });
  const alias = ConnectionAlias.fromConnectionAliasAttributes(s, 'SharedAlias', { aliasId: ALIAS_ID, ownerAccountId: OWNER });
  new ConnectionAliasAssociation(s, 'Assoc', { alias, directoryId: 'd-aaaaaaaaaa', removalPolicy: RemovalPolicy.DESTROY });
  return [s];
}).Shared;

interface Figures { readonly calls: Record<string, number>; readonly total: number; readonly overheadMs: number }

async function measure(): Promise<{ create: Figures; remove: Figures }> {
  const delays = { createDelayMs: DELAY_MS, deleteDelayMs: DELAY_MS, associateDelayMs: DELAY_MS, disassociateDelayMs: DELAY_MS };
  const emulator = await WorkSpacesEmulator.start({ ...delays, accountId: OWNER });
  emulator.addDirectory('d-aaaaaaaaaa', { accountId: SHARED });
  emulator.seedAlias({ connectionString: 'desktop.example.com', aliasId: ALIAS_ID, sharedWith: SHARED });
  const cfn = CloudFormationSimulator.forStack(stack, { env: emulatorEnvironment({ workspaces: emulator.endpoint }) });
  const step = async (run: () => Promise<{ status: string }>, expected: string): Promise<Figures> => {
    const from = emulator.calls.length;
    const started = Date.now();
    const { status } = await run();
    const wall = Date.now() - started;
    if (status !== expected) throw new Error(`ended ${status}`);
    const calls: Record<string, number> = {};
    for (const call of emulator.calls.slice(from)) calls[call.operation] = (calls[call.operation] ?? 0) + 1;
    return { calls, total: emulator.calls.length - from, overheadMs: wall - DELAY_MS };
  };
  try {
    const create = await step(() => cfn.deploy(stack), 'CREATE_COMPLETE');
    const remove = await step(() => cfn.deleteStack(), 'DELETE_COMPLETE');
    return { create, remove };
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure());
  const report = (label: string, figures: Figures[]) => {
    const overheads = figures.map((f) => f.overheadMs).sort((a, b) => a - b);
    console.log(`${label}: ${figures[0].total} API calls ${JSON.stringify(figures[0].calls)}; overhead median ${overheads[Math.floor(overheads.length / 2)]} ms, worst ${overheads[overheads.length - 1]} ms`);
  };
  console.log(`ConnectionAliasAssociation, ${RUNS} runs, service transition ${DELAY_MS} ms (wall time minus it):`);
  report('create', runs.map((r) => r.create));
  report('delete', runs.map((r) => r.remove));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
