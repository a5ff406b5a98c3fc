// The real bundled handler, taken from a synthesized cloud assembly, driven through CloudFormation's
// request sequence against the emulated WorkSpaces endpoint; every scenario ends by asserting the
// emulator's state: exactly the declared aliases, nothing leaked, nothing duplicated.
import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, ConnectionAliasProps } from '../../lib';
import { DeleteConnectionAliasCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { WorkSpacesEmulator, WorkSpacesEmulatorOptions } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, physicalIdOf, synthesize } from '../../testkit';

const OWNER_TAG = 'cdk-aliases:owner';
const STACK_TAG = 'cdk-aliases:stack';
let emulator: WorkSpacesEmulator;
let cfn: CloudFormationSimulator;

beforeEach(async () => {
  emulator = await WorkSpacesEmulator.start({ createDelayMs: 150, deleteDelayMs: 150, associateDelayMs: 150, disassociateDelayMs: 150 });
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: emulator.endpoint }) });
});
afterEach(() => emulator.stop());

/** A stack with one ConnectionAlias 'Alias' and the given tags. */
function aliasStack(props: ConnectionAliasProps, tags: Record<string, string> = {}) {
  return synthesize((stack: Stack) => {
    const alias = new ConnectionAlias(stack, 'Alias', props);
    for (const [key, value] of Object.entries(tags)) {
      Tags.of(alias).add(key, value);
    }
  });
}

const LOGICAL_ID = (stack: ReturnType<typeof aliasStack>) =>
  Object.keys(stack.template.Resources).find((id) => stack.template.Resources[id].Type === 'Custom::WorkSpacesConnectionAlias')!;

/** The user's tags, after checking the library's marks: an owner hash and this stack's name, no rename pending. */
function userTags(tags: Record<string, string>) {
  const { [OWNER_TAG]: owner, [STACK_TAG]: stack, ...rest } = tags;
  expect(owner).toMatch(/^[0-9a-f]{64}$/);
  expect(stack).toBe(cfn.stackName);
  expect(Object.keys(rest).filter((key) => key.startsWith('cdk-aliases:'))).toEqual([]);
  return rest;
}

test('create, update in place, move, share, replace with cleanup, and delete', async () => {
  // Create: tags, association and its ConnectionIdentifier.
  const v1 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-1111111111' }, { team: 'euc' });
  const id = LOGICAL_ID(v1);
  expect((await cfn.deploy(v1)).status).toBe('CREATE_COMPLETE');
  let [alias] = emulator.aliases();
  expect(emulator.aliases()).toHaveLength(1);
  expect(alias).toMatchObject({ connectionString: 'desktop.example.com', state: 'CREATED', sharedWith: [] });
  expect(userTags(alias.tags)).toEqual({ team: 'euc' });
  expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-1111111111', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  expect(cfn.physicalId(id)).toBe(alias.aliasId);
  expect(cfn.data(id)).toEqual({
    AliasId: alias.aliasId,
    ConnectionString: 'desktop.example.com',
    ConnectionIdentifier: alias.associations[0].connectionIdentifier,
  });
  const aliasId = alias.aliasId;

  // Tags change in place: same alias, removed key removed.
  const v2 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-1111111111' }, { cost: '42' });
  expect((await cfn.deploy(v2)).status).toBe('UPDATE_COMPLETE');
  [alias] = emulator.aliases();
  expect(alias.aliasId).toBe(aliasId);
  expect(userTags(alias.tags)).toEqual({ cost: '42' });

  // A new directory moves the association.
  const v3 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-2222222222' }, { cost: '42' });
  expect((await cfn.deploy(v3)).status).toBe('UPDATE_COMPLETE');
  [alias] = emulator.aliases();
  expect(alias.aliasId).toBe(aliasId);
  expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-2222222222', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  expect(cfn.data(id)?.ConnectionIdentifier).toBe(alias.associations[0].connectionIdentifier);

  // Sharing, then moving the share.
  await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-2222222222', sharedAccountId: '222222222222' }, { cost: '42' }));
  expect(emulator.aliases()[0].sharedWith).toEqual(['222222222222']);
  const v5 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-2222222222', sharedAccountId: '333333333333' }, { cost: '42' });
  expect((await cfn.deploy(v5)).status).toBe('UPDATE_COMPLETE');
  expect(emulator.aliases()[0]).toMatchObject({ aliasId, sharedWith: ['333333333333'] });

  // A new connection string replaces the alias; the old one goes only in the cleanup phase.
  const v6 = aliasStack({ connectionString: 'vdi.example.com', directoryId: 'd-2222222222', sharedAccountId: '333333333333' }, { cost: '42' });
  const replaced = await cfn.deploy(v6);
  expect(replaced.status).toBe('UPDATE_COMPLETE');
  expect(replaced.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
    ['deploy', 'Update', 'SUCCESS'],
    ['cleanup', 'Delete', 'SUCCESS'],
  ]);
  expect(physicalIdOf(replaced.events[1].event)).toBe(aliasId);
  expect(emulator.aliases()).toHaveLength(1);
  [alias] = emulator.aliases();
  expect(alias.aliasId).not.toBe(aliasId);
  expect(alias).toMatchObject({ connectionString: 'vdi.example.com', state: 'CREATED', sharedWith: ['333333333333'] });
  expect(userTags(alias.tags)).toEqual({ cost: '42' });
  expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-2222222222', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);

  // Delete: unshare, disassociate, delete, wait until gone.
  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.aliases()).toEqual([]);
});

test('a redelivered Create ends in exactly one alias and success', async () => {
  const v1 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-1111111111' });
  const created = await cfn.deploy(v1);
  expect(created.status).toBe('CREATE_COMPLETE');

  const again = await cfn.redeliver(created.events[0]);

  expect(again.status).toBe('SUCCESS');
  expect(again.physicalResourceId).toBe(created.events[0].physicalResourceId);
  expect(emulator.aliases()).toHaveLength(1);
  expect(emulator.callsOf('CreateConnectionAlias')).toHaveLength(1);
  expect(emulator.callsOf('AssociateConnectionAlias')).toHaveLength(1);
  expect(again.data).toEqual(created.events[0].data);
});

test('an alias with the same string that this resource did not create is never adopted', async () => {
  const foreign = emulator.seedAlias({ connectionString: 'desktop.example.com', tags: { owner: 'someone-else' } });

  const result = await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com' }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toContain(foreign);
  expect(result.events[0].reason).toContain('ConnectionAlias.fromConnectionAliasId');
  // The rollback's Delete carries the framework's marker and never reaches the handler.
  expect(result.events[1]).toMatchObject({ phase: 'rollback', status: 'SUCCESS' });
  expect(result.events[1].invocation).toBeUndefined();
  expect(emulator.aliases()).toEqual([expect.objectContaining({ aliasId: foreign, tags: { owner: 'someone-else' } })]);
  expect(emulator.callsOf('CreateConnectionAlias')).toHaveLength(0);
  expect(emulator.callsOf('DeleteConnectionAlias')).toHaveLength(0);
});

test('a failed Create undoes what it made, so the skipped Delete leaks nothing', async () => {
  emulator = await restartWith({ directories: ['d-1111111111'] });

  const result = await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-9999999999' }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toMatch(/ResourceNotFoundException/);
  expect(result.events[0].reason).toContain('was deleted again');
  expect(emulator.aliases()).toEqual([]);
});

test('a failed update rolls back to the declared state', async () => {
  emulator = await restartWith({ directories: ['d-1111111111'] });
  const v1 = aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-1111111111' }, { team: 'euc' });
  const id = LOGICAL_ID(v1);
  await cfn.deploy(v1);
  const aliasId = emulator.aliases()[0].aliasId;

  const result = await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-9999999999' }, { team: 'vdi' }));

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
    ['deploy', 'Update', 'FAILED'],
    ['rollback', 'Update', 'SUCCESS'],
  ]);
  const [alias] = emulator.aliases();
  expect(emulator.aliases()).toHaveLength(1);
  expect(alias.aliasId).toBe(aliasId);
  expect(userTags(alias.tags)).toEqual({ team: 'euc' });
  expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-1111111111', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  expect(cfn.data(id)?.ConnectionIdentifier).toBe(alias.associations[0].connectionIdentifier);
});

test('a replacement that fails rolls back to the old alias and removes the new one', async () => {
  emulator = await restartWith({ directories: ['d-1111111111'] });
  await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com', directoryId: 'd-1111111111' }));
  const oldId = emulator.aliases()[0].aliasId;

  const result = await cfn.deploy(aliasStack({ connectionString: 'vdi.example.com', directoryId: 'd-9999999999' }));

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(emulator.aliases()).toEqual([expect.objectContaining({ aliasId: oldId, connectionString: 'desktop.example.com' })]);
  expect(emulator.aliases()[0].associations).toEqual([expect.objectContaining({ resourceId: 'd-1111111111' })]);
});

test('RemovalPolicy.RETAIN keeps the alias when the stack is deleted', async () => {
  await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com', removalPolicy: RemovalPolicy.RETAIN }));

  const result = await cfn.deleteStack();

  expect(result.status).toBe('DELETE_COMPLETE');
  expect(result.events).toEqual([]);
  expect(emulator.aliases()).toEqual([expect.objectContaining({ connectionString: 'desktop.example.com', state: 'CREATED' })]);
});

test('at the Region limit of 20 aliases, Create fails with the service message and leaks nothing', async () => {
  for (let i = 0; i < 20; i++) {
    emulator.seedAlias({ connectionString: `seed${i}.example.com` });
  }

  const result = await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com' }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toMatch(/^ResourceLimitExceededException: /);
  expect(emulator.aliases()).toHaveLength(20);
  expect(emulator.aliases().some((a) => a.connectionString === 'desktop.example.com')).toBe(false);
});

test('an alias already deleted out of band is success on Delete', async () => {
  await cfn.deploy(aliasStack({ connectionString: 'desktop.example.com' }));
  const client = new WorkSpacesClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await client.send(new DeleteConnectionAliasCommand({ AliasId: emulator.aliases()[0].aliasId }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(emulator.aliases()).toEqual([]);

  const result = await cfn.deleteStack();

  expect(result.status).toBe('DELETE_COMPLETE');
  expect(result.events).toEqual([expect.objectContaining({ status: 'SUCCESS' })]);
  expect(emulator.aliases()).toEqual([]);
});

async function restartWith(options: WorkSpacesEmulatorOptions): Promise<WorkSpacesEmulator> {
  await emulator.stop();
  const restarted = await WorkSpacesEmulator.start({ createDelayMs: 150, deleteDelayMs: 150, associateDelayMs: 150, disassociateDelayMs: 150, ...options });
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: restarted.endpoint }) });
  return restarted;
}
