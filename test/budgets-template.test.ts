// Template budgets: what a stack pays in CloudFormation template bytes and resources for our constructs.
// The first construct of a kind brings the shared Provider framework (functions, roles, policies); each
// further one should add only its custom resource. The figures are deterministic (JSON.stringify of the
// synthesized template, asset hashes have a fixed length), so a budget crossed is a real change.
import { App, Stack } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

const ENV = { account: '111111111111', region: 'us-east-1' };
const INSTANCE = '11111111-2222-3333-4444-555555555555';

type Kind = 'ConnectionAlias' | 'EmailAddressAlias';

function add(stack: Stack, kind: Kind, i: number): void {
  if (kind === 'ConnectionAlias') {
    new ConnectionAlias(stack, `Alias${i}`, { connectionString: `desktop${i}.example.com` });
  } else {
    const id = (n: number) => `aaaaaaaa-0000-0000-0000-${String(n).padStart(12, '0')}`;
    new EmailAddressAlias(stack, `Alias${i}`, { instanceId: INSTANCE, emailAddressId: id(2 * i), aliasEmailAddressId: id(2 * i + 1) });
  }
}

/** Template bytes and resource count of a stack with `n` constructs of `kind`. */
function measure(kind: Kind, n: number): { bytes: number; resources: number } {
  const app = new App();
  const stack = new Stack(app, 'BudgetStack', { env: ENV });
  for (let i = 0; i < n; i++) add(stack, kind, i);
  const template = app.synth().getStackByName(stack.stackName).template;
  return { bytes: Buffer.byteLength(JSON.stringify(template)), resources: Object.keys(template.Resources ?? {}).length };
}

interface TemplateBudget {
  readonly kind: Kind;
  /** Bytes and resources of a stack with one construct (the framework included). */
  readonly firstBytes: number;
  readonly firstResources: number;
  /** Bytes and resources each further construct adds. */
  readonly perConstructBytes: number;
  readonly perConstructResources: number;
}

// Budgets, about 10 % above the figures measured when they were set (in parentheses), so that a wording
// change in a policy or a new tag does not trip them but a new resource or a duplicated policy does.
// Resources are counted exactly: one more is a design change, to be made on purpose.
const BUDGETS: TemplateBudget[] = [
  // ConnectionAlias (5,256 B and 7 resources first; 274 B and 1 resource per further construct).
  { kind: 'ConnectionAlias', firstBytes: 5800, firstResources: 7, perConstructBytes: 300, perConstructResources: 1 },
  // EmailAddressAlias (5,552 B and 7 resources first; 402 B and 1 resource per further construct). The first
  // construct's policy grew by the statements that let the handler mark the addresses it owns and reach them
  // through those marks after an instance move (was 4,756 B).
  { kind: 'EmailAddressAlias', firstBytes: 6000, firstResources: 7, perConstructBytes: 440, perConstructResources: 1 },
];

const FURTHER = 10;

describe.each(BUDGETS)('$kind template', (budget) => {
  const first = measure(budget.kind, 1);
  const many = measure(budget.kind, 1 + FURTHER);
  const perConstruct = { bytes: (many.bytes - first.bytes) / FURTHER, resources: (many.resources - first.resources) / FURTHER };

  test(`the first construct: ${first.bytes} B and ${first.resources} resources`, () => {
    expect(first.bytes).toBeLessThanOrEqual(budget.firstBytes);
    expect(first.resources).toBeLessThanOrEqual(budget.firstResources);
  });

  test(`each further construct: ${perConstruct.bytes} B and ${perConstruct.resources} resources`, () => {
    expect(perConstruct.bytes).toBeLessThanOrEqual(budget.perConstructBytes);
    expect(perConstruct.resources).toBeLessThanOrEqual(budget.perConstructResources);
  });
});
