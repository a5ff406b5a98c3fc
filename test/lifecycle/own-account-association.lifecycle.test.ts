// A ConnectionAliasAssociation of an alias of the stack's own account that the app does not create (made by hand,
// or by another stack): the real bundled handler against the emulated WorkSpaces.
import { AssociateConnectionAliasCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { Stack } from 'aws-cdk-lib';
import { ConnectionAlias, ConnectionAliasAssociation } from '../../lib';
import { CloudFormationSimulator, emulatorEnvironment, synthesize, WorkSpacesEmulator } from '../../testkit';

let emulator: WorkSpacesEmulator;
beforeEach(async () => {
  emulator = await WorkSpacesEmulator.start({ createDelayMs: 150, deleteDelayMs: 150, associateDelayMs: 150, disassociateDelayMs: 150 });
  emulator.addDirectory('d-1111111111');
  emulator.addDirectory('d-2222222222');
});
afterEach(() => emulator.stop());

const associationStack = (aliasId: string, directoryId: string) => synthesize((stack: Stack) => {
  new ConnectionAliasAssociation(stack, 'Assoc', { alias: ConnectionAlias.fromConnectionAliasId(stack, 'Alias', aliasId), directoryId });
});

test('associates with ASSOCIATED_WITH_OWNER_ACCOUNT, moves, and leaves the alias itself alone on delete', async () => {
  const aliasId = emulator.seedAlias({ connectionString: 'desktop.example.com', tags: { team: 'euc' } });
  const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: emulator.endpoint }) });

  expect((await cfn.deploy(associationStack(aliasId, 'd-1111111111'))).status).toBe('CREATE_COMPLETE');
  expect(emulator.aliases()[0].associations).toEqual([
    expect.objectContaining({ resourceId: 'd-1111111111', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' }),
  ]);
  expect((await cfn.deploy(associationStack(aliasId, 'd-2222222222'))).status).toBe('UPDATE_COMPLETE');
  const [alias] = emulator.aliases();
  expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-2222222222', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' })]);
  expect(emulator.directoryTags('d-1111111111')).toEqual({});
  expect(Object.keys(emulator.directoryTags('d-2222222222')).sort()).toEqual([`cdk-aliases:owner:${aliasId}`, `cdk-aliases:stack:${aliasId}`]);

  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  // The alias is not the stack's: it stays, with its tags, only disassociated; the marks are gone.
  expect(emulator.aliases()).toEqual([{ ...alias, associations: [] }]);
  expect(emulator.directoryTags('d-2222222222')).toEqual({});
});

test('an association made by hand is never taken over, nor removed by the failed Create', async () => {
  const aliasId = emulator.seedAlias({ connectionString: 'desktop.example.com' });
  emulator.setDelays({ associateDelayMs: 0 });
  const client = new WorkSpacesClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await client.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: 'd-1111111111' }));
  const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: emulator.endpoint }) });

  const result = await cfn.deploy(associationStack(aliasId, 'd-1111111111'));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toContain(`Connection alias ${aliasId} is already associated with directory d-1111111111 of account 111111111111, but not by this library`);
  expect(emulator.aliases()[0].associations).toEqual([expect.objectContaining({ resourceId: 'd-1111111111' })]);
  expect(emulator.callsOf('DisassociateConnectionAlias')).toEqual([]);
  expect(emulator.directoryTags('d-1111111111')).toEqual({});
});
