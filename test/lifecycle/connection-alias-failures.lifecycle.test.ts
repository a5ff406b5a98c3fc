// Failures of connection aliases with the real bundled handler, through CloudFormation's request sequences
// against the emulated WorkSpaces endpoint: a failed Create's undo survives sustained throttling, a throttled
// call never keeps the handler past its answer, and an alias that a failed first deployment leaked is reclaimed
// by the stack created again under its name. (Ownership across renames and stacks: connection-alias-ownership.)
import {
  DELAYS,
  DESKTOP,
  DIRECTORY,
  logicalId,
  markOf,
  MISSING_DIRECTORY,
  OWNER,
  PREVIOUS_OWNER,
  simulatorFor,
  STACK,
  stackWith,
} from './connection-alias-world';
import { CloudFormationSimulator, throttling, WorkSpacesEmulator } from '../../testkit';

jest.setTimeout(180_000);

let emulator: WorkSpacesEmulator;
let cfn: CloudFormationSimulator;

beforeEach(async () => {
  emulator = await WorkSpacesEmulator.start({ ...DELAYS, directories: [DIRECTORY] });
  cfn = simulator('LifecycleStack');
});
afterEach(() => emulator.stop());

function simulator(stackName: string, invokeTimeoutMs?: number): CloudFormationSimulator {
  return simulatorFor(emulator, stackName, invokeTimeoutMs);
}

describe('undo and answers under sustained throttling', () => {
  test('a failed Create whose undo meets 10 consecutive throttled DeleteConnectionAlias calls still leaves nothing', async () => {
    let throttled = 0;
    emulator.faults = ({ operation }) => (operation === 'DeleteConnectionAlias' && throttled++ < 10 ? throttling('workspaces') : undefined);

    const result = await cfn.deploy(stackWith({ Desktop: { ...DESKTOP, directoryId: MISSING_DIRECTORY } }));

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events[0].reason).toMatch(/^ResourceNotFoundException: .*\(connection alias wsca-[0-9a-z]+, made for this request, was deleted again\)$/);
    // more than the SDK's 8 attempts in a row were refused, then the undo's own retry went through
    const deletes = emulator.callsOf('DeleteConnectionAlias').map((c) => c.outcome);
    expect(deletes.slice(0, 10)).toEqual(Array(10).fill('ThrottlingException'));
    expect(deletes.slice(10)).toContain('ok');
    expect(emulator.aliases()).toEqual([]);
  });

  test('a throttled call that outlasts the answer reserve is abandoned: the handler answers FAILED in time and leaks nothing', async () => {
    // GIVEN a 30 s function (answer by 27 s, the Create's work by about 20 s), and every call after
    // CreateConnectionAlias throttled until just past the work deadline
    cfn = simulator('LifecycleStack', 30_000);
    let firstCallAt: number | undefined;
    let created = false;
    emulator.faults = ({ operation }) => {
      firstCallAt ??= Date.now();
      if (operation === 'CreateConnectionAlias') {
        created = true;
        return undefined;
      }
      return created && Date.now() - firstCallAt < 20_500 ? throttling('workspaces') : undefined;
    };

    const result = await cfn.deploy(stackWith({ Desktop: DESKTOP }));

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    const [failed] = result.events;
    expect(failed.invocation?.killed).toBe(false);
    expect(failed.invocation!.durationMs).toBeLessThan(30_000);
    expect(failed.reason).toMatch(/^(Time ran out during DescribeConnectionAliases: no answer within the \d+s the handler had left for it|.*ThrottlingException: Rate exceeded)/);
    expect(failed.reason).toMatch(/\(connection alias wsca-[0-9a-z]+, made for this request, was deleted again\)$/);
    expect(emulator.aliases()).toEqual([]);
  });
});

test('an alias leaked by a failed first deployment is reclaimed when the stack is deleted and created again under its name', async () => {
  // GIVEN transitions slower than the whole budget of a 12 s function: the Create cannot finish, nor its undo
  cfn = simulator('LifecycleStack', 12_000);
  emulator.setDelays({ createDelayMs: 16_000 });
  const template = stackWith({ Desktop: DESKTOP });
  const failed = await cfn.deploy(template);
  expect(failed.status).toBe('ROLLBACK_COMPLETE');
  expect(failed.events[0].invocation?.killed).toBe(false);
  expect(failed.events[0].reason).toContain(
    `It keeps its '${OWNER}' tag (a hash of the stack name LifecycleStack and the logical id ${logicalId(template, 'Desktop')}), so the next ` +
    'deployment of this resource in a stack of that name adopts it, also after the stack is deleted and created again',
  );
  const [leaked] = emulator.aliases();
  expect(emulator.aliases()).toHaveLength(1);
  const firstStackId = cfn.stackId;

  // WHEN the user deletes the stack (ROLLBACK_COMPLETE allows nothing else) and creates it again, with the usual timeout
  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  cfn.recreate();
  expect(cfn.stackId).not.toBe(firstStackId);
  emulator.setDelays(DELAYS);
  cfn.configure({ invoke: undefined });
  const redeployed = await cfn.deploy(template);

  // THEN one alias, the leaked one, owned by the new stack's resource
  expect(redeployed.status).toBe('CREATE_COMPLETE');
  expect(emulator.aliases()).toHaveLength(1);
  const [alias] = emulator.aliases();
  expect(alias).toMatchObject({ aliasId: leaked.aliasId, state: 'CREATED', sharedWith: ['222222222222'] });
  expect(alias.tags).toEqual({ team: 'euc', [OWNER]: markOf('LifecycleStack', logicalId(template, 'Desktop')), [STACK]: 'LifecycleStack' });
  expect(alias.tags[PREVIOUS_OWNER]).toBeUndefined();
  expect(emulator.callsOf('CreateConnectionAlias').filter((c) => c.outcome === 'ok')).toHaveLength(1);
  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.aliases()).toEqual([]);
});
