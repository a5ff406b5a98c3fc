import { ConnectClient, DisassociateEmailAddressAliasCommand } from '@aws-sdk/client-connect';
import { Stack } from 'aws-cdk-lib';
import { EmailAddressAlias } from '../../lib';
import { ConnectEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, synthesize, SynthesizedStack } from '../../testkit';
import type { ConstructUnderTest, Scenario, World } from '../../testkit';

/** One primary → alias pair, by address id. */
export interface DeclaredPair {
  readonly primary: string;
  readonly alias: string;
  /** The construct id (default 'Alias'): another one is a rename, a new logical id in the same stack. */
  readonly id?: string;
}

const INSTANCE = '00000000-1111-2222-3333-444444444444';
const ADDRESSES = ['addr-a', 'addr-b', 'addr-c'];
const MISSING = 'addr-missing';
const AB: DeclaredPair = { primary: 'addr-a', alias: 'addr-b' };

const SCENARIOS: Array<Scenario<DeclaredPair>> = [
  { name: 'create', setup: [], tested: { deploy: AB }, expected: 'CREATE_COMPLETE', declared: AB, creations: 1 },
  { name: 'alias swap (cleanup delete)', setup: [{ deploy: AB }], tested: { deploy: { primary: 'addr-a', alias: 'addr-c' } }, expected: 'UPDATE_COMPLETE', declared: { primary: 'addr-a', alias: 'addr-c' }, creations: 1 },
  { name: 'primary swap (cleanup delete)', setup: [{ deploy: AB }], tested: { deploy: { primary: 'addr-c', alias: 'addr-b' } }, expected: 'UPDATE_COMPLETE', declared: { primary: 'addr-c', alias: 'addr-b' }, creations: 1 },
  { name: 'delete', setup: [{ deploy: AB }], tested: { deleteStack: true }, expected: 'DELETE_COMPLETE', declared: undefined, creations: 0 },
  // The new resource takes the pair over (nothing is associated again); the old one's cleanup Delete leaves it.
  { name: 'rename (new logical id)', setup: [{ deploy: AB }], tested: { deploy: { ...AB, id: 'Renamed' } }, expected: 'UPDATE_COMPLETE', declared: { ...AB, id: 'Renamed' }, creations: 0 },
  {
    name: 'delete when already disassociated',
    setup: [{ deploy: AB }, { outOfBand: disassociateOutOfBand }],
    tested: { deleteStack: true },
    expected: 'DELETE_COMPLETE',
    declared: undefined,
    creations: 0,
  },
  { name: 'rollback of a failed create', setup: [], tested: { deploy: { primary: 'addr-a', alias: MISSING } }, expected: 'ROLLBACK_COMPLETE', declared: undefined, creations: 0 },
  { name: 'rollback of a failed update', setup: [{ deploy: AB }], tested: { deploy: { primary: 'addr-a', alias: MISSING } }, expected: 'UPDATE_ROLLBACK_COMPLETE', declared: AB, creations: 1 },
];

interface ConnectWorld extends World {
  readonly emulator: ConnectEmulator;
}

const stacks = new Map<string, SynthesizedStack>();

export const EMAIL_ADDRESS_ALIAS: ConstructUnderTest<DeclaredPair, ConnectWorld> = {
  construct: 'EmailAddressAlias',
  service: 'connect',
  scenarios: SCENARIOS,

  async start() {
    const emulator = await ConnectEmulator.start();
    emulator.addInstance(INSTANCE);
    ADDRESSES.forEach((id) => emulator.addEmailAddress(INSTANCE, `${id}@example.com`, id));
    return {
      emulator,
      cfn: new CloudFormationSimulator({ env: emulatorEnvironment({ connect: emulator.endpoint }) }),
      setFaults: (plan) => (emulator.faults = plan),
      // Connect applies alias changes at once; what can be slow is reads catching up with them.
      setTransitionDelay: (ms) => emulator.setVisibilityDelay(ms ?? 0),
      mark: () => ({ calls: emulator.calls.length, replays: emulator.replays, created: 0 }),
      stop: () => emulator.stop(),
    };
  },

  stackFor(_world, declared) {
    const key = JSON.stringify(declared);
    if (!stacks.has(key)) {
      stacks.set(key, synthesize((stack: Stack) => new EmailAddressAlias(stack, declared.id ?? 'Alias', {
        instanceId: INSTANCE,
        emailAddressId: declared.primary,
        aliasEmailAddressId: declared.alias,
      })));
    }
    return stacks.get(key)!;
  },

  check(world, declared) {
    const links = world.emulator.associations();
    const mine = links.filter((l) => l.emailAddressId === declared?.primary && l.aliasEmailAddressId === declared?.alias);
    const leaked = links.length - mine.length;
    const problems: string[] = [];
    if (leaked > 0) {
      problems.push(`${leaked} association(s) not declared: ${links.filter((l) => !mine.includes(l)).map((l) => `${l.emailAddressId}→${l.aliasEmailAddressId}`).join(', ')}`);
    }
    if (declared && mine.length !== 1) {
      problems.push(`expected the association ${declared.primary}→${declared.alias}, found ${mine.length}`);
    }
    return { problems, leaked };
  },

  applied(world, since) {
    // Associations this step applied (not replays of a ClientToken) and did not remove again itself.
    const applied = (op: string) => world.emulator.calls.slice(since.calls)
      .filter((c) => c.operation === op && (c.outcome === 'ok' || c.outcome === 'lost'))
      .map((c) => `${c.input.EmailAddressId}>${c.input.AliasConfiguration?.EmailAddressId}`);
    const removed = applied('DisassociateEmailAddressAlias');
    return applied('AssociateEmailAddressAlias').filter((pair) => {
      const index = removed.indexOf(pair);
      return index < 0 || removed.splice(index, 1).length === 0;
    }).length;
  },
};

async function disassociateOutOfBand(world: World): Promise<void> {
  const { emulator } = world as ConnectWorld;
  const client = new ConnectClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await client.send(new DisassociateEmailAddressAliasCommand({ InstanceId: INSTANCE, EmailAddressId: AB.primary, AliasConfiguration: { EmailAddressId: AB.alias } }));
}
