import { createHash } from 'node:crypto';
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias } from '../../lib';
import { WorkSpacesEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, synthesize, SynthesizedStack } from '../../testkit';
import type { ConstructUnderTest, Scenario, World } from '../../testkit';

/** One ConnectionAlias as a stack declares it. */
export interface DeclaredAlias {
  /** The construct id (default 'Alias'): another one is a rename, a new logical id for the same alias. */
  readonly id?: string;
  readonly connectionString: string;
  readonly directoryId?: string;
  readonly sharedAccountId?: string;
  readonly tags: Record<string, string>;
}

const NORMAL_DELAY_MS = 100;
const DIRECTORIES = ['d-1111111111', 'd-2222222222'];
const MISSING_DIRECTORY = 'd-9999999999';
const OWNER_TAG = 'cdk-aliases:owner';
const STACK_TAG = 'cdk-aliases:stack';

const A: DeclaredAlias = { connectionString: 'desktop.example.com', directoryId: DIRECTORIES[0], sharedAccountId: '222222222222', tags: { team: 'euc' } };

const SCENARIOS: Array<Scenario<DeclaredAlias>> = [
  { name: 'create', setup: [], tested: { deploy: A }, expected: 'CREATE_COMPLETE', declared: A, creations: 1, recoverTo: A },
  { name: 'update tags', setup: [{ deploy: A }], tested: { deploy: { ...A, tags: { cost: '42' } } }, expected: 'UPDATE_COMPLETE', declared: { ...A, tags: { cost: '42' } }, creations: 0 },
  { name: 'move directory', setup: [{ deploy: A }], tested: { deploy: { ...A, directoryId: DIRECTORIES[1] } }, expected: 'UPDATE_COMPLETE', declared: { ...A, directoryId: DIRECTORIES[1] }, creations: 0 },
  { name: 'move share', setup: [{ deploy: A }], tested: { deploy: { ...A, sharedAccountId: '333333333333' } }, expected: 'UPDATE_COMPLETE', declared: { ...A, sharedAccountId: '333333333333' }, creations: 0 },
  {
    name: 'replace (cleanup delete)',
    setup: [{ deploy: A }],
    tested: { deploy: { ...A, connectionString: 'vdi.example.com' } },
    expected: 'UPDATE_COMPLETE',
    declared: { ...A, connectionString: 'vdi.example.com' },
    creations: 1,
  },
  { name: 'delete', setup: [{ deploy: A }], tested: { deleteStack: true }, expected: 'DELETE_COMPLETE', declared: undefined, creations: 0 },
  {
    name: 'rollback of a failed create',
    setup: [],
    tested: { deploy: { ...A, directoryId: MISSING_DIRECTORY } },
    expected: 'ROLLBACK_COMPLETE',
    declared: undefined,
    creations: 0,
    recoverTo: A,
  },
  { name: 'rollback of a failed update', setup: [{ deploy: A }], tested: { deploy: { ...A, directoryId: MISSING_DIRECTORY } }, expected: 'UPDATE_ROLLBACK_COMPLETE', declared: A, creations: 0 },
  // The new resource takes the alias over and the old one's cleanup Delete leaves it: no alias is made.
  { name: 'rename (new logical id)', setup: [{ deploy: A }], tested: { deploy: { ...A, id: 'Renamed' } }, expected: 'UPDATE_COMPLETE', declared: { ...A, id: 'Renamed' }, creations: 0 },
];

interface WorkSpacesWorld extends World {
  readonly emulator: WorkSpacesEmulator;
}

const stacks = new Map<string, SynthesizedStack>();

export const CONNECTION_ALIAS: ConstructUnderTest<DeclaredAlias, WorkSpacesWorld> = {
  construct: 'ConnectionAlias',
  service: 'workspaces',
  scenarios: SCENARIOS,

  async start() {
    const delays = (ms: number) => ({ createDelayMs: ms, deleteDelayMs: ms, associateDelayMs: ms, disassociateDelayMs: ms });
    const emulator = await WorkSpacesEmulator.start({ ...delays(NORMAL_DELAY_MS), directories: DIRECTORIES });
    return {
      emulator,
      cfn: new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: emulator.endpoint }) }),
      setFaults: (plan) => (emulator.faults = plan),
      setTransitionDelay: (ms) => emulator.setDelays(delays(ms ?? NORMAL_DELAY_MS)),
      mark: () => ({ calls: emulator.calls.length, replays: 0, created: emulator.created.length }),
      stop: () => emulator.stop(),
    };
  },

  stackFor(_world, declared) {
    const key = JSON.stringify(declared);
    if (!stacks.has(key)) {
      stacks.set(key, synthesize((stack: Stack) => {
        const { tags, id, ...props } = declared;
        const alias = new ConnectionAlias(stack, id ?? 'Alias', props);
        Object.entries(tags).forEach(([k, v]) => Tags.of(alias).add(k, v));
      }));
    }
    return stacks.get(key)!;
  },

  check(world, declared) {
    const aliases = world.emulator.aliases();
    const problems: string[] = [];
    const mine = aliases.filter((a) => a.connectionString === declared?.connectionString);
    const leaked = aliases.length - mine.length;
    if (leaked > 0) {
      problems.push(`${leaked} alias(es) not declared: ${aliases.filter((a) => !mine.includes(a)).map((a) => `${a.aliasId} ${a.connectionString} ${a.state}`).join(', ')}`);
    }
    if (!declared) {
      return { problems, leaked };
    }
    if (mine.length !== 1) {
      problems.push(`expected one alias for ${declared.connectionString}, found ${mine.length}`);
      return { problems, leaked };
    }
    const [alias] = mine;
    const { [OWNER_TAG]: owner, [STACK_TAG]: stackTag, ...userTags } = alias.tags;
    const associations = alias.associations.map((a) => `${a.resourceId}:${a.associationStatus}`);
    const expectedAssociations = declared.directoryId ? [`${declared.directoryId}:ASSOCIATED_WITH_OWNER_ACCOUNT`] : [];
    const expectations: Array<[string, unknown, unknown]> = [
      ['state', alias.state, 'CREATED'],
      ['tags', userTags, declared.tags],
      ['owner tag', owner, ownerMark(world.cfn.stackName, logicalIdIn(CONNECTION_ALIAS.stackFor(world, declared)))],
      ['stack tag', stackTag, world.cfn.stackName],
      ['associations', associations, expectedAssociations],
      ['shared with', alias.sharedWith, declared.sharedAccountId ? [declared.sharedAccountId] : []],
    ];
    const data = world.cfn.data(logicalIdIn(CONNECTION_ALIAS.stackFor(world, declared)));
    if (declared.directoryId) {
      expectations.push(['ConnectionIdentifier returned', data?.ConnectionIdentifier, alias.associations[0]?.connectionIdentifier]);
    }
    for (const [what, actual, expected] of expectations) {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        problems.push(`${what}: ${JSON.stringify(actual)}, declared ${JSON.stringify(expected)}`);
      }
    }
    return { problems, leaked };
  },

  applied(world, since) {
    // Aliases made during the step and not deleted again by it (a failed Create undoes its own alias; a
    // redelivery may then make and undo another, which is a retry, not a duplicate).
    const made = world.emulator.created.slice(since.created).map((c) => c.aliasId);
    const deleted = new Set(world.emulator.calls.slice(since.calls)
      .filter((c) => c.operation === 'DeleteConnectionAlias' && (c.outcome === 'ok' || c.outcome === 'lost'))
      .map((c) => c.input.AliasId));
    return made.filter((id) => !deleted.has(id)).length;
  },
};

/** The owner mark of the declared resource: no rename pending, no other resource's mark. */
function ownerMark(stackName: string, logicalId: string): string {
  return createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex');
}

function logicalIdIn(stack: SynthesizedStack): string {
  return Object.keys(stack.template.Resources).find((id) => stack.template.Resources[id].Type === 'Custom::WorkSpacesConnectionAlias')!;
}
