// The fault matrix's vocabulary and its one cell: a lifecycle scenario of one construct, whose step under
// test runs with one fault against the real bundled handlers and the emulators, then is checked against
// the declaration and torn down. The constructs' scenarios live with the tests that run them.
import type { OperationResult, ResourceEvent } from '../cloudformation/simulator';
import type { CloudFormationSimulator, StackStatus, SynthesizedStack } from '../cloudformation';
import type { FaultPlan } from '../emulators/emulated-endpoint';
import { FaultCase, seededRandom, Service } from './plans';

/** One step of a scenario: deploy a declaration, delete the stack, or change the account behind its back. */
export type Step<D> = { readonly deploy: D } | { readonly deleteStack: true } | { readonly outOfBand: (world: World) => Promise<void> };

/** A lifecycle scenario: setup steps run cleanly, then the step under test runs with the fault. */
export interface Scenario<D> {
  readonly name: string;
  readonly setup: ReadonlyArray<Step<D>>;
  readonly tested: Step<D>;
  /** What CloudFormation reports for the tested step (when it does not exceed the handler's budget). */
  readonly expected: StackStatus;
  /** What the account must hold afterwards; undefined: nothing. */
  readonly declared: D | undefined;
  /** How many new aliases (or associations) the tested step must leave in place; more are duplicates. */
  readonly creations: number;
  /**
   * What a later deployment declares to recover when the tested step ran out of time (default: `declared`).
   * A failed Create's Delete is skipped by CloudFormation, so its alias is recovered by deploying it again.
   */
  readonly recoverTo?: D;
}

/** Counters of the emulated service at one moment. */
export interface Mark {
  /** Calls received. */
  readonly calls: number;
  /** Calls answered from the idempotency-token cache instead of being applied. */
  readonly replays: number;
  /** Resources created so far. */
  readonly created: number;
}

/** The emulated account and CloudFormation for one run of one scenario. */
export interface World {
  readonly cfn: CloudFormationSimulator;
  setFaults(plan: FaultPlan | undefined): void;
  /** The service's transition delay; undefined restores the normal short one. */
  setTransitionDelay(ms: number | undefined): void;
  /** Where the emulated service's counters stand now. */
  mark(): Mark;
  stop(): Promise<void>;
}

/** Everything the fault matrix needs to know about one construct. */
export interface ConstructUnderTest<D, W extends World = World> {
  readonly construct: string;
  readonly service: Service;
  readonly scenarios: ReadonlyArray<Scenario<D>>;
  start(): Promise<W>;
  stackFor(world: W, declared: D): SynthesizedStack;
  /** What is wrong with the account against the declaration, and how many resources are not declared. */
  check(world: W, declared: D | undefined): { problems: string[]; leaked: number };
  /** Aliases (or associations) the service applied since `since` and that were not undone since. */
  applied(world: W, since: Mark): number;
}

/** The outcome of one scenario under one fault. */
export interface Cell {
  readonly construct: string;
  readonly scenario: string;
  readonly fault: string;
  readonly result: 'pass' | 'FAIL' | 'n/a';
  /** API calls the step under test made. */
  readonly calls: number;
  /** Resources in the account that no declaration holds, after the step or after the stack's deletion. */
  readonly leaked: number;
  /** Resources applied beyond what the step needs. */
  readonly duplicated: number;
  readonly seconds: number;
  /** What is wrong; empty when the cell passes (for 'n/a', why it does not apply). */
  readonly problems: string[];
}

async function runStep<D>(cut: ConstructUnderTest<D, any>, world: World, step: Step<D>): Promise<string | undefined> {
  if ('deploy' in step) {
    return (await world.cfn.deploy(cut.stackFor(world, step.deploy))).status;
  }
  if ('deleteStack' in step) {
    return (await world.cfn.deleteStack()).status;
  }
  await step.outOfBand(world);
  return undefined;
}

/**
 * Runs `scenario` of `cut`: the setup cleanly, the step under test with `fault` (seeded by `seed`), then checks
 * the account holds exactly the declaration, deletes the stack and checks nothing is left.
 */
export async function runCell<D>(cut: ConstructUnderTest<D, any>, scenario: Scenario<D>, fault: FaultCase, seed: number): Promise<Cell> {
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
      const recovery: OperationResult = declared ? await world.cfn.deploy(cut.stackFor(world, declared)) : await world.cfn.deleteStack();
      if (!/_COMPLETE$/.test(recovery.status) || /ROLLBACK/.test(recovery.status)) {
        problems.push(`recovery ended ${recovery.status}: ${recovery.events.map((e) => e.reason).filter(Boolean).join('; ')}`);
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

/** One markdown table per construct: rows are scenarios, columns faults, cells "result calls/leaked/duplicated". */
export function matrixTable(cells: readonly Cell[], construct: string, faults: readonly FaultCase[]): string {
  const mine = cells.filter((c) => c.construct === construct);
  const scenarios = [...new Set(mine.map((c) => c.scenario))];
  const header = `| ${construct} | ${faults.map((f) => f.name).join(' | ')} |`;
  const rule = `|---|${faults.map(() => '---').join('|')}|`;
  const rows = scenarios.map((scenario) => `| ${scenario} | ${faults.map((fault) => {
    const cell = mine.find((c) => c.scenario === scenario && c.fault === fault.name);
    if (!cell) return 'not run';
    return cell.result === 'n/a' ? 'n/a' : `${cell.result === 'pass' ? 'pass' : '**FAIL**'} ${cell.calls}/${cell.leaked}/${cell.duplicated}`;
  }).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
