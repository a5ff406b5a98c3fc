// Cold start of the bundled handlers, through the shared Lambda runner (a fresh process per invocation):
// - require: the time to load the bundle, ours against its SDK floor (the same SDK imports, no code of ours),
//   timed inside the process by a loader module that requires the bundle and returns the time;
// - first event: the wall time of a whole cold invocation (process start, load, the SDK's lazy set-up,
//   the calls) of a Create and a Delete against the emulators, against an empty module's invocation.
// Bundle bytes are budget tests (test/budgets-bundle.test.ts); only the timing is measured here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectEmulator, EmulatedEndpoint, eventBuilders, WorkSpacesEmulator } from '../testkit';
import { emulatorEnvironment, HandlerBundle, invoke } from '../testkit';

import { buildFloor, buildHandler, HANDLERS, HandlerName, writeBundle } from './bundles';
import { summarize, Summary } from './summary';

export interface ColdStartResult {
  readonly handler: HandlerName;
  readonly requireMs: Summary;
  readonly floorRequireMs: Summary;
  /** Wall time of a cold Create and of a cold Delete, each the first event of its process. */
  readonly createMs: Summary;
  readonly deleteMs: Summary;
}

export interface ColdStartResults {
  /** Wall time of invoking an empty module: the process start and runner, paid by every figure below. */
  readonly emptyMs: Summary;
  readonly handlers: ColdStartResult[];
}

/** A module that requires `target` and answers how long that took, so the runner can report it. */
function loaderOf(target: string, file: string): HandlerBundle {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    [
      'const started = process.hrtime.bigint();',
      `require(${JSON.stringify(target)});`,
      'const requireMs = Number(process.hrtime.bigint() - started) / 1e6;',
      'exports.handler = async () => ({ Data: { requireMs: String(requireMs) } });',
      '',
    ].join('\n'),
  );
  return { modulePath: file, timeoutMs: 60_000 };
}

const UNREACHABLE = emulatorEnvironment({ workspaces: 'http://127.0.0.1:9', connect: 'http://127.0.0.1:9' });

async function requireTime(loader: HandlerBundle): Promise<number> {
  const { outcome } = await invoke(loader, {}, { env: UNREACHABLE });
  if (!outcome.ok) throw new Error(`loading ${loader.modulePath} failed: ${outcome.errorMessage}`);
  return Number(outcome.response.Data?.requireMs);
}

interface Scenario {
  readonly emulator: EmulatedEndpoint;
  readonly env: Record<string, string>;
  readonly resourceType: string;
  /** The properties of sample i (each sample its own resource). */
  properties(i: number): Record<string, unknown>;
}

async function scenario(name: HandlerName, samples: number): Promise<Scenario> {
  if (name === 'connection-alias') {
    const emulator = await WorkSpacesEmulator.start({ createDelayMs: 0, deleteDelayMs: 0, associateDelayMs: 0, disassociateDelayMs: 0 });
    return {
      emulator,
      env: emulatorEnvironment({ workspaces: emulator.endpoint }),
      resourceType: 'Custom::WorkSpacesConnectionAlias',
      properties: (i) => ({ ConnectionString: `desktop-${i}.example.com`, DirectoryId: 'd-1111111111', Tags: [{ Key: 'team', Value: 'euc' }] }),
    };
  }
  const emulator = await ConnectEmulator.start();
  const instance = emulator.addInstance('11111111-2222-3333-4444-555555555555');
  const pairs = Array.from({ length: samples }, (_, i) => ({
    InstanceId: instance,
    EmailAddressId: emulator.addEmailAddress(instance, `primary${i}@example.com`),
    AliasEmailAddressId: emulator.addEmailAddress(instance, `alias${i}@example.com`),
  }));
  return { emulator, env: emulatorEnvironment({ connect: emulator.endpoint }), resourceType: 'Custom::ConnectEmailAddressAlias', properties: (i) => pairs[i] };
}

/** Each sample: a cold Create of a new resource, then a cold Delete of it, each in a fresh process. */
async function firstEventTimes(name: HandlerName, bundle: HandlerBundle, samples: number): Promise<{ createMs: Summary; deleteMs: Summary }> {
  const s = await scenario(name, samples);
  const createMs: number[] = [];
  const deleteMs: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const events = eventBuilders({
        ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:framework-onEvent',
        ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench',
        StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/BenchStack/00000000-0000-0000-0000-000000000000',
        LogicalResourceId: `Alias${i}`,
        ResourceType: s.resourceType,
      });
      const created = await invoke(bundle, events.createEvent(s.properties(i), `create-${i}`), { env: s.env });
      if (!created.outcome.ok || !created.outcome.response.PhysicalResourceId) throw new Error(`${name} Create failed: ${JSON.stringify(created.outcome)}\n${created.logs}`);
      createMs.push(created.durationMs);
      const deleted = await invoke(bundle, events.deleteEvent(created.outcome.response.PhysicalResourceId, s.properties(i), `delete-${i}`), { env: s.env });
      if (!deleted.outcome.ok) throw new Error(`${name} Delete failed: ${deleted.outcome.errorMessage}\n${deleted.logs}`);
      deleteMs.push(deleted.durationMs);
    }
  } finally {
    await s.emulator.stop();
  }
  return { createMs: summarize(createMs), deleteMs: summarize(deleteMs) };
}

export async function runColdStart(workDir: string, samples: number, log: (line: string) => void): Promise<ColdStartResults> {
  const dir = path.join(workDir, 'cold-start');
  fs.rmSync(dir, { recursive: true, force: true });
  const empty = path.join(dir, 'empty', 'index.js');
  fs.mkdirSync(path.dirname(empty), { recursive: true });
  fs.writeFileSync(empty, 'exports.handler = async () => ({});\n');
  const emptyTimes: number[] = [];
  for (let i = 0; i < samples; i++) emptyTimes.push((await invoke({ modulePath: empty, timeoutMs: 60_000 }, {}, { env: UNREACHABLE })).durationMs);

  const handlers: ColdStartResult[] = [];
  for (const name of HANDLERS) {
    const ours = writeBundle(await buildHandler(name), path.join(dir, name, 'index.js'));
    const floor = writeBundle(await buildFloor(name), path.join(dir, `${name}-floor`, 'index.js'));
    log(`  cold start: ${name}`);
    const oursLoader = loaderOf(ours, path.join(dir, `${name}-loader`, 'index.js'));
    const floorLoader = loaderOf(floor, path.join(dir, `${name}-floor-loader`, 'index.js'));
    const oursTimes: number[] = [];
    const floorTimes: number[] = [];
    // Interleaved, so that a change in the machine's load touches both alike.
    for (let i = 0; i < samples; i++) {
      oursTimes.push(await requireTime(oursLoader));
      floorTimes.push(await requireTime(floorLoader));
    }
    const [requireMs, floorRequireMs] = [summarize(oursTimes), summarize(floorTimes)];
    const events = await firstEventTimes(name, { modulePath: ours, timeoutMs: 60_000 }, samples);
    handlers.push({ handler: name, requireMs, floorRequireMs, ...events });
  }
  return { emptyMs: summarize(emptyTimes), handlers };
}
