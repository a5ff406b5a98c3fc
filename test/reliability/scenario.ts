import type { FaultPlan } from '../emulator';
import type { CloudFormationSimulator, StackStatus, SynthesizedStack } from '../harness';
import type { Service } from './faults';

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
