// The fault matrix: every lifecycle scenario of both constructs under every fault, with the real bundled
// handlers against the emulated endpoints. Each run ends by checking the account holds exactly what the
// stack declares, then deletes the stack and checks nothing is left. Prints one table per construct and
// exits non-zero if any run fails.  Run: npm run test:faults   (SEED=<n> to vary the faults, CELLS=<n> parallel runs)
import { CONNECTION_ALIAS } from './connection-alias-scenarios';
import { EMAIL_ADDRESS_ALIAS } from './email-address-alias-scenarios';
import { FAULTS, FaultCase, seededRandom } from './faults';
import type { ResourceEvent } from '../harness';
import type { ConstructUnderTest, Scenario, Step, World } from './scenario';

interface Cell {
  readonly construct: string;
  readonly scenario: string;
  readonly fault: string;
  readonly result: 'pass' | 'FAIL' | 'n/a';
  readonly calls: number;
  readonly leaked: number;
  readonly duplicated: number;
  readonly seconds: number;
  readonly problems: string[];
}

const SEED = Number(process.env.SEED ?? 20261121);
const PARALLEL = Number(process.env.CELLS ?? 6);

async function runStep<D>(cut: ConstructUnderTest<D, any>, world: World, step: Step<D>): Promise<string | undefined> {
  if ('deploy' in step) {
    const result = await world.cfn.deploy(cut.stackFor(world, step.deploy));
    return result.status;
  }
  if ('deleteStack' in step) {
    return (await world.cfn.deleteStack()).status;
  }
  await step.outOfBand(world);
  return undefined;
}

async function runCell<D>(cut: ConstructUnderTest<D, any>, scenario: Scenario<D>, fault: FaultCase, seed: number): Promise<Cell> {
  const base = { construct: cut.construct, scenario: scenario.name, fault: fault.name };
  if (fault.notApplicable?.[cut.service]) {
    return { ...base, result: 'n/a', calls: 0, leaked: 0, duplicated: 0, seconds: 0, problems: [fault.notApplicable[cut.service]!] };
  }
  const started = Date.now();
  const world = await cut.start();
  const problems: string[] = [];
  let calls = 0;
  let duplicated = 0;
  let leaked = 0;
  try {
    for (const step of scenario.setup) {
      const status = await runStep(cut, world, step);
      if (status && !/^(CREATE|UPDATE|DELETE)_COMPLETE$/.test(status)) {
        throw new Error(`a setup step ended ${status}`);
      }
    }

    // The step under test, with the fault.
    const random = seededRandom(seed);
    world.setFaults(fault.plan?.(cut.service, random));
    world.cfn.configure({ ...fault.chaos?.(random), invoke: fault.timeoutMs ? { timeoutMs: fault.timeoutMs } : undefined });
    if (fault.transitionDelayMs) {
      world.setTransitionDelay(fault.transitionDelayMs);
    }
    const mark = world.mark();
    const historyStart = world.cfn.history.length;
    const status = await runStep(cut, world, scenario.tested);
    calls = world.mark().calls - mark.calls;
    duplicated = Math.max(0, cut.applied(world, mark) - scenario.creations);
    world.setFaults(undefined);
    world.cfn.configure({ redeliverAfterSuccess: false, killFirstAttemptAfterMs: undefined, invoke: undefined });
    const events: ResourceEvent[] = world.cfn.history.slice(historyStart);

    let declared = scenario.declared;
    if (fault.exceedsBudget) {
      // Each failure must be clean: answered before the function's timeout, naming what it waited for.
      // (A scenario built to fail may fail with the service's own message instead.)
      const failsByDesign = /ROLLBACK/.test(scenario.expected);
      for (const event of events.filter((e) => e.status === 'FAILED')) {
        if (event.invocation?.killed || !(failsByDesign || /Timed out after \d+s waiting for /.test(event.reason ?? ''))) {
          problems.push(`unclean failure of ${event.event.RequestType}: ${event.reason}`);
        }
      }
      // Then the slow transitions finish, and CloudFormation's next attempt must reach the declared state.
      await new Promise((resolve) => setTimeout(resolve, fault.transitionDelayMs));
      world.setTransitionDelay(undefined);
      declared = scenario.recoverTo ?? scenario.declared;
      const recovery = declared ? await world.cfn.deploy(cut.stackFor(world, declared)) : await world.cfn.deleteStack();
      if (!/_COMPLETE$/.test(recovery.status) || /ROLLBACK/.test(recovery.status)) {
        problems.push(`recovery ended ${recovery.status}: ${recovery.events.map((e: ResourceEvent) => e.reason).filter(Boolean).join('; ')}`);
      }
      // What the step could not undo in time, the recovery adopts: count duplicates over both. A recovery
      // to a declaration keeps exactly one resource.
      duplicated = Math.max(0, cut.applied(world, mark) - (scenario.recoverTo ? 1 : scenario.creations));
    } else if (status !== scenario.expected) {
      const reasons = events.filter((e) => e.status === 'FAILED').map((e) => `${e.event.RequestType}: ${e.reason}`);
      problems.push(`CloudFormation ended ${status}, expected ${scenario.expected}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
    }

    const state = cut.check(world, declared);
    problems.push(...state.problems);
    const teardown = await world.cfn.deleteStack();
    const after = cut.check(world, undefined);
    if (teardown.status !== 'DELETE_COMPLETE') {
      problems.push(`deleting the stack afterwards ended ${teardown.status}`);
    }
    problems.push(...after.problems.map((p) => `after deleting the stack: ${p}`));
    leaked = Math.max(state.leaked, after.leaked);
    if (duplicated > 0) {
      problems.push(`${duplicated} more applied than the step needs`);
    }
  } catch (error) {
    problems.push(String(error instanceof Error ? error.message : error));
  } finally {
    await world.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  return { ...base, result: problems.length ? 'FAIL' : 'pass', calls, leaked, duplicated, seconds, problems };
}

async function inParallel<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }));
  return results;
}

function table(cells: Cell[], construct: string): string {
  const mine = cells.filter((c) => c.construct === construct);
  const scenarios = [...new Set(mine.map((c) => c.scenario))];
  const header = `| ${construct} | ${FAULTS.map((f) => f.name).join(' | ')} |`;
  const rule = `|---|${FAULTS.map(() => '---').join('|')}|`;
  const rows = scenarios.map((scenario) => `| ${scenario} | ${FAULTS.map((fault) => {
    const cell = mine.find((c) => c.scenario === scenario && c.fault === fault.name)!;
    return cell.result === 'n/a' ? 'n/a' : `${cell.result === 'pass' ? 'pass' : '**FAIL**'} ${cell.calls}/${cell.leaked}/${cell.duplicated}`;
  }).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

async function main(): Promise<void> {
  const constructs: Array<ConstructUnderTest<any, any>> = [CONNECTION_ALIAS, EMAIL_ADDRESS_ALIAS];
  const runs = constructs.flatMap((cut) => cut.scenarios.flatMap((scenario) => FAULTS.map((fault) => ({ cut, scenario, fault }))));
  const started = Date.now();
  const cells = await inParallel(runs, PARALLEL, ({ cut, scenario, fault }, index) => runCell(cut, scenario, fault, SEED + index));

  console.log(`Fault matrix, seed ${SEED}: each cell is result API-calls/leaked/duplicated for the step under test.\n`);
  for (const cut of constructs) {
    console.log(`${table(cells, cut.construct)}\n`);
  }
  const failed = cells.filter((c) => c.result === 'FAIL');
  for (const cell of failed) {
    console.log(`FAIL ${cell.construct} / ${cell.scenario} / ${cell.fault}:\n  ${cell.problems.join('\n  ')}`);
  }
  const ran = cells.filter((c) => c.result !== 'n/a');
  const totalCalls = ran.reduce((sum, c) => sum + c.calls, 0);
  console.log(`\n${ran.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${totalCalls} API calls; ` +
    `${cells.length - ran.length} not applicable; leaked ${ran.reduce((s, c) => s + c.leaked, 0)}, duplicated ${ran.reduce((s, c) => s + c.duplicated, 0)}`);
  console.log(`faults: ${ran.length - failed.length} passed, ${failed.length} failed`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
