import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ConnectionAlias, ConnectionAliasAssociation } from '../../lib';
import { WorkSpacesEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, synthesizeApp, SynthesizedStack } from '../../testkit';
import type { ConstructUnderTest, Scenario, World } from '../../testkit';

/** One ConnectionAliasAssociation of account B, of the alias account A shares with it. */
export interface DeclaredAssociation {
  readonly directoryId: string;
  /** The construct id (default 'Assoc'): another id is a rename, a new logical id. */
  readonly id?: string;
}

const NORMAL_DELAY_MS = 100;
const OWNER = '111111111111';
const SHARED = '222222222222';
const REGION = 'us-east-1';
/** The alias account A made and shares with B; fixed, so that each declaration is synthesized once. */
const ALIAS_ID = 'wsca-shared0001';
const DIRECTORIES = ['d-aaaaaaaaaa', 'd-bbbbbbbbbb'];
const MISSING_DIRECTORY = 'd-9999999999';
const MARK_PREFIXES = ['cdk-aliases:owner:', 'cdk-aliases:stack:', 'cdk-aliases:previous-owner:'];

const A: DeclaredAssociation = { directoryId: DIRECTORIES[0] };
const B: DeclaredAssociation = { directoryId: DIRECTORIES[1] };
const MISSING: DeclaredAssociation = { directoryId: MISSING_DIRECTORY };

const SCENARIOS: Array<Scenario<DeclaredAssociation>> = [
  { name: 'create', setup: [], tested: { deploy: A }, expected: 'CREATE_COMPLETE', declared: A, creations: 1, recoverTo: A },
  // A move disassociates and associates: the count of live associations does not grow.
  { name: 'move directory', setup: [{ deploy: A }], tested: { deploy: B }, expected: 'UPDATE_COMPLETE', declared: B, creations: 0 },
  // The renamed resource takes the association over (no disassociation) and the old one's cleanup Delete confirms.
  { name: 'rename', setup: [{ deploy: A }], tested: { deploy: { ...A, id: 'Renamed' } }, expected: 'UPDATE_COMPLETE', declared: { ...A, id: 'Renamed' }, creations: 0 },
  { name: 'delete', setup: [{ deploy: A }], tested: { deleteStack: true }, expected: 'DELETE_COMPLETE', declared: undefined, creations: 0 },
  { name: 'rollback of a failed create', setup: [], tested: { deploy: MISSING }, expected: 'ROLLBACK_COMPLETE', declared: undefined, creations: 0, recoverTo: A },
  { name: 'rollback of a failed move', setup: [{ deploy: A }], tested: { deploy: MISSING }, expected: 'UPDATE_ROLLBACK_COMPLETE', declared: A, creations: 0 },
];

interface SharedWorld extends World {
  readonly emulator: WorkSpacesEmulator;
}

const stacks = new Map<string, SynthesizedStack>();

export const CONNECTION_ALIAS_ASSOCIATION: ConstructUnderTest<DeclaredAssociation, SharedWorld> = {
  construct: 'ConnectionAliasAssociation',
  service: 'workspaces',
  scenarios: SCENARIOS,

  async start() {
    const delays = (ms: number) => ({ createDelayMs: ms, deleteDelayMs: ms, associateDelayMs: ms, disassociateDelayMs: ms });
    const emulator = await WorkSpacesEmulator.start({ ...delays(NORMAL_DELAY_MS), accountId: OWNER, region: REGION });
    DIRECTORIES.forEach((id) => emulator.addDirectory(id, { accountId: SHARED, region: REGION }));
    emulator.seedAlias({ connectionString: 'desktop.example.com', aliasId: ALIAS_ID, sharedWith: SHARED });
    return {
      emulator,
      cfn: new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: emulator.endpoint }), stackName: 'Shared', accountId: SHARED, region: REGION }),
      setFaults: (plan) => (emulator.faults = plan),
      setTransitionDelay: (ms) => emulator.setDelays(delays(ms ?? NORMAL_DELAY_MS)),
      mark: () => ({ calls: emulator.calls.length, replays: 0, created: 0 }),
      stop: () => emulator.stop(),
    };
  },

  stackFor(_world, declared) {
    const key = JSON.stringify(declared);
    if (!stacks.has(key)) {
      stacks.set(key, synthesizeApp((app) => {
        const stack = new Stack(app, 'Shared', { env: { account: SHARED, region: REGION } });
        const alias = ConnectionAlias.fromConnectionAliasAttributes(stack, 'SharedAlias', { aliasId: ALIAS_ID, ownerAccountId: OWNER });
        new ConnectionAliasAssociation(stack, declared.id ?? 'Assoc', { alias, directoryId: declared.directoryId, removalPolicy: RemovalPolicy.DESTROY });
        return [stack];
      }).Shared);
    }
    return stacks.get(key)!;
  },

  check(world, declared) {
    const problems: string[] = [];
    const [alias] = world.emulator.aliases({ accountId: OWNER });
    if (!alias || alias.aliasId !== ALIAS_ID || alias.state !== 'CREATED' || alias.sharedWith[0] !== SHARED) {
      problems.push(`the owner's alias changed: ${JSON.stringify(alias)}`);
      return { problems, leaked: 0 };
    }
    const associations = alias.associations.map((a) => `${a.associatedAccountId}/${a.resourceId}:${a.associationStatus}`);
    const expected = declared ? [`${SHARED}/${declared.directoryId}:ASSOCIATED_WITH_SHARED_ACCOUNT`] : [];
    if (JSON.stringify(associations) !== JSON.stringify(expected)) {
      problems.push(`associations: ${JSON.stringify(associations)}, declared ${JSON.stringify(expected)}`);
    }
    // Marks: the declared directory holds exactly the owner and stack keys; no other directory holds any.
    let leakedMarks = 0;
    for (const directoryId of DIRECTORIES) {
      const keys = Object.keys(world.emulator.directoryTags(directoryId, { accountId: SHARED, region: REGION }))
        .filter((key) => MARK_PREFIXES.some((prefix) => key.startsWith(prefix)));
      const wanted = declared?.directoryId === directoryId ? [`cdk-aliases:owner:${ALIAS_ID}`, `cdk-aliases:stack:${ALIAS_ID}`] : [];
      if (JSON.stringify([...keys].sort()) !== JSON.stringify([...wanted].sort())) {
        problems.push(`marks on ${directoryId}: ${JSON.stringify(keys)}, expected ${JSON.stringify(wanted)}`);
        leakedMarks += wanted.length === 0 ? 1 : 0;
      }
    }
    if (declared) {
      const data = world.cfn.data(logicalIdIn(CONNECTION_ALIAS_ASSOCIATION.stackFor(world, declared)));
      if (data?.ConnectionIdentifier !== alias.associations[0]?.connectionIdentifier) {
        problems.push(`ConnectionIdentifier returned ${data?.ConnectionIdentifier}, the association has ${alias.associations[0]?.connectionIdentifier}`);
      }
    }
    return { problems, leaked: Math.max(0, associations.length - expected.length) + leakedMarks };
  },

  applied(world, since) {
    // Associations made by the step and not removed again by it.
    const calls = world.emulator.calls.slice(since.calls).filter((c) => c.outcome === 'ok' || c.outcome === 'lost');
    const count = (operation: string) => calls.filter((c) => c.operation === operation).length;
    return count('AssociateConnectionAlias') - count('DisassociateConnectionAlias');
  },
};

function logicalIdIn(stack: SynthesizedStack): string {
  return Object.keys(stack.template.Resources).find((id) => stack.template.Resources[id].Type === 'Custom::WorkSpacesConnectionAliasAssociation')!;
}
