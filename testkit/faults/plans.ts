import type { SimulatorOptions } from '../cloudformation/simulator';
import type { Fault, FaultPlan } from '../emulators/emulated-endpoint';

/** A small deterministic generator (mulberry32): the same seed gives the same faults on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Service = 'workspaces' | 'connect';

/** Calls that change state; "applied, then the response was lost" only makes sense for them. */
const MUTATING = new Set([
  'CreateConnectionAlias', 'DeleteConnectionAlias', 'AssociateConnectionAlias', 'DisassociateConnectionAlias',
  'UpdateConnectionAliasPermission', 'CreateTags', 'DeleteTags',
  'AssociateEmailAddressAlias', 'DisassociateEmailAddressAlias',
]);

/** One kind of trouble, applied to the step of a scenario that is under test. */
export interface FaultCase {
  readonly name: string;
  /** The emulator's fault plan. */
  readonly plan?: (service: Service, random: () => number) => FaultPlan;
  /** What CloudFormation and Lambda do to the requests. */
  readonly chaos?: (random: () => number) => Partial<SimulatorOptions>;
  /** The service's own transition delay (CREATING → CREATED, association and deletion), in ms. */
  readonly transitionDelayMs?: number;
  /** The handler function's timeout, in ms (default: as configured, 10 minutes). */
  readonly timeoutMs?: number;
  /** Transitions outlast the handler's whole budget: the step must fail cleanly, and be recoverable. */
  readonly exceedsBudget?: boolean;
  /** Services the case does not apply to, and why. */
  readonly notApplicable?: Partial<Record<Service, string>>;
}

/** ThrottlingException as each service sends it (Connect: HTTP 429; WorkSpaces, awsJson1_1: 400). */
export const throttling = (service: Service): Fault => ({ kind: 'error', status: service === 'connect' ? 429 : 400, name: 'ThrottlingException', message: 'Rate exceeded' });
/** A 5xx as each service names it. */
export const serverError = (service: Service): Fault => ({
  kind: 'error', status: 500, name: service === 'connect' ? 'InternalServiceException' : 'InternalFailure', message: 'Injected server error',
});

export const FAULTS: FaultCase[] = [
  { name: 'none' },
  { name: 'throttling 30%', plan: (service, random) => () => (random() < 0.3 ? throttling(service) : undefined) },
  // Sustained throttling: an SDK call (8 attempts) is refused often enough that undo paths must retry on their own.
  { name: 'throttling 70%', plan: (service, random) => () => (random() < 0.7 ? throttling(service) : undefined) },
  { name: '5xx 10%', plan: (service, random) => () => (random() < 0.1 ? serverError(service) : undefined) },
  {
    name: 'throttling 30% + 5xx 10%',
    plan: (service, random) => () => {
      const draw = random();
      return draw < 0.3 ? throttling(service) : draw < 0.4 ? serverError(service) : undefined;
    },
  },
  { name: 'dropped connection 10%', plan: (_service, random) => () => (random() < 0.1 ? { kind: 'reset' } : undefined) },
  {
    // Every mutating call is applied but its first answer is lost: the SDK retries it, and every event is
    // delivered a second time after it succeeded.
    name: 'lost response + redelivery',
    plan: () => ({ operation, attempt }) => (MUTATING.has(operation) && attempt === 1 ? { kind: 'lose-response' } : undefined),
    chaos: () => ({ redeliverAfterSuccess: true }),
  },
  // For Connect, whose alias changes apply at once, the slow part is DescribeEmailAddress catching up.
  { name: 'transitions > poll interval', transitionDelayMs: 2_500 },
  { name: 'transitions > wait budget', transitionDelayMs: 16_000, timeoutMs: 12_000, exceedsBudget: true },
  {
    // The first attempt at each event dies somewhere between start-up and the end of its work.
    name: 'killed mid-event + redelivery',
    chaos: (random) => ({ killFirstAttemptAfterMs: () => 150 + Math.floor(random() * 1_500) }),
  },
];

/**
 * Throttles calls above `perSecond` (a token bucket with one second of burst), counting what it served and
 * refused; `status` is the HTTP status of the service's ThrottlingException.
 */
export function rateLimit(perSecond: number, status: number): { readonly plan: FaultPlan; readonly counts: { served: number; throttled: number } } {
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
