// Ownership of connection aliases with the real bundled handler, through CloudFormation's request sequences
// against the emulated WorkSpaces endpoint: a renamed construct keeps its alias, a Delete removes only what
// its resource owns, and two stacks never share an alias. (Failures and throttling: connection-alias-failures.)
import {
  DELAYS,
  DESKTOP,
  DIRECTORY,
  logicalId,
  markOf,
  MISSING_DIRECTORY,
  OWNER,
  simulatorFor,
  STACK,
  stackWith,
} from './connection-alias-world';
import { CloudFormationSimulator, deleteEvent, invoke, WorkSpacesEmulator } from '../../testkit';

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

const steps = (events: Array<{ phase: string; event: { RequestType: string; LogicalResourceId: string }; status: string }>) =>
  events.map((e) => [e.phase, e.event.RequestType, e.event.LogicalResourceId.replace(/[0-9A-F]{8}$/, ''), e.status]);

describe('a renamed construct (a new logical id) keeps its alias', () => {
  test('the new resource takes the alias over, the old cleanup Delete leaves it, and its ConnectionIdentifier stays', async () => {
    const before = stackWith({ Desktop: DESKTOP });
    expect((await cfn.deploy(before)).status).toBe('CREATE_COMPLETE');
    const [original] = emulator.aliases();
    const identifier = cfn.data(logicalId(before, 'Desktop'))?.ConnectionIdentifier;
    expect(identifier).toBe(original.associations[0].connectionIdentifier);

    // WHEN the construct is renamed; the call log is split where the cleanup Delete is delivered
    const after = stackWith({ Workspace: DESKTOP });
    const start = emulator.calls.length;
    let cleanupStart = -1;
    cfn.configure({ killFirstAttemptAfterMs: (event) => ((cleanupStart = event.RequestType === 'Delete' ? emulator.calls.length : cleanupStart), undefined) });
    const renamed = await cfn.deploy(after);

    // THEN
    expect(renamed.status).toBe('UPDATE_COMPLETE');
    expect(steps(renamed.events)).toEqual([
      ['deploy', 'Create', 'Workspace', 'SUCCESS'],
      ['cleanup', 'Delete', 'Desktop', 'SUCCESS'],
    ]);
    const [alias] = emulator.aliases();
    expect(emulator.aliases()).toHaveLength(1);
    expect(alias).toMatchObject({ aliasId: original.aliasId, state: 'CREATED', sharedWith: ['222222222222'] });
    expect(alias.associations).toEqual([expect.objectContaining({ resourceId: DIRECTORY, connectionIdentifier: identifier, associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
    expect(alias.tags).toEqual({ team: 'euc', [OWNER]: markOf('LifecycleStack', logicalId(after, 'Workspace')), [STACK]: 'LifecycleStack' });
    expect(cfn.physicalId(logicalId(after, 'Workspace'))).toBe(original.aliasId);
    expect(cfn.data(logicalId(after, 'Workspace'))?.ConnectionIdentifier).toBe(identifier);
    // the rename neither created, deleted, associated nor shared anything
    const calls = emulator.calls.slice(start);
    expect(calls.filter((c) => /^(Create|Delete|Associate|Disassociate|Update)ConnectionAlias/.test(c.operation))).toEqual([]);
    const count = (list: typeof calls) => Object.entries(list.reduce<Record<string, number>>((n, c) => ({ ...n, [c.operation]: (n[c.operation] ?? 0) + 1 }), {}))
      .map(([operation, n]) => `${operation} ${n}`).join(', ');
    process.stdout.write(
      `ConnectionAlias rename: ${calls.length} API calls; new Create ${cleanupStart - start} (${count(emulator.calls.slice(start, cleanupStart))}); ` +
      `old cleanup Delete ${emulator.calls.length - cleanupStart} (${count(emulator.calls.slice(cleanupStart))})\n`,
    );

    // and a later stack deletion removes it
    expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()).toEqual([]);
  });

  test('when a later resource fails, the rollback hands the alias back to the old resource, which still deletes it with the stack', async () => {
    const before = stackWith({ Desktop: DESKTOP });
    await cfn.deploy(before);
    const [original] = emulator.aliases();

    // WHEN the rename deploys with another alias that fails after it
    const after = stackWith({ Workspace: DESKTOP, Zfailing: { connectionString: 'vdi.example.com', directoryId: MISSING_DIRECTORY } });
    const result = await cfn.deploy(after);

    // THEN
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(steps(result.events)).toEqual([
      ['deploy', 'Create', 'Workspace', 'SUCCESS'],
      ['deploy', 'Create', 'Zfailing', 'FAILED'],
      ['rollback', 'Delete', 'Zfailing', 'SUCCESS'],
      ['rollback', 'Delete', 'Workspace', 'SUCCESS'],
    ]);
    expect(emulator.aliases()).toHaveLength(1);
    const [alias] = emulator.aliases();
    expect(alias).toMatchObject({ aliasId: original.aliasId, state: 'CREATED', sharedWith: ['222222222222'] });
    expect(alias.associations).toEqual([expect.objectContaining({ connectionIdentifier: original.associations[0].connectionIdentifier })]);
    expect(alias.tags).toEqual({ team: 'euc', [OWNER]: markOf('LifecycleStack', logicalId(before, 'Desktop')), [STACK]: 'LifecycleStack' });
    expect(cfn.physicalId(logicalId(before, 'Desktop'))).toBe(original.aliasId);

    expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()).toEqual([]);
  });
});

describe('a Delete removes only what its resource owns', () => {
  test('two stacks declaring the same connection string: the second is refused, naming the first, and the first keeps its alias', async () => {
    const first = simulator('FirstStack');
    const second = simulator('SecondStack');
    const template = stackWith({ Desktop: DESKTOP });
    expect((await first.deploy(template)).status).toBe('CREATE_COMPLETE');
    const [original] = emulator.aliases();

    const refused = await second.deploy(template);

    expect(refused.status).toBe('ROLLBACK_COMPLETE');
    expect(refused.events[0].reason).toContain(`Connection alias ${original.aliasId} already uses the connection string 'desktop.example.com' and is owned by stack FirstStack`);
    expect(emulator.aliases()).toEqual([original]);
    expect((await second.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()).toEqual([original]);
    expect((await first.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()).toEqual([]);
  });

  test('a Delete whose physical id names another stack\'s alias leaves it untouched and logs why', async () => {
    const template = stackWith({ Desktop: DESKTOP });
    await simulator('OtherStack').deploy(template);
    const [others] = emulator.aliases();
    const id = logicalId(template, 'Desktop');
    const start = emulator.calls.length;

    // WHEN this stack's handler gets a Delete naming it (a hand-edited template, an imported physical id)
    const invocation = await invoke(template.handlers[id], deleteEvent(
      { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:framework', StackId: cfn.stackId, LogicalResourceId: id, ResourceType: 'Custom::WorkSpacesConnectionAlias' },
      others.aliasId,
      { ConnectionString: 'desktop.example.com' },
    ), { env: cfn.functionEnvironment });

    // THEN
    expect(invocation.outcome).toEqual({ ok: true, response: { PhysicalResourceId: others.aliasId } });
    expect(invocation.logs).toContain(`leaving connection alias ${others.aliasId} untouched: it is owned by a resource of stack OtherStack, not by this one`);
    expect(emulator.aliases()).toEqual([others]);
    expect(emulator.calls.slice(start).map((c) => c.operation)).toEqual(['DescribeConnectionAliases', 'DescribeTags']);
  });
});
