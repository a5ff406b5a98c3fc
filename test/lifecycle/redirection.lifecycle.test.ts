// Cross-Region and cross-account redirection, end to end: several stacks of one app, each deployed by its own
// CloudFormation simulator in its own account and Region, run the real bundled handlers against one emulated
// WorkSpaces; the DNS answer is computed from the deployed templates the way Route 53 failover routing would.
import { WorkSpacesEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, recordSetsOf, resolveFailover, SynthesizedStack } from '../../testkit';
import {
  CONNECTION_STRING, logicalIdOf, OWNER_ACCOUNT, ownerApp, PRIMARY_REGION, SECONDARY_REGION, SHARED_ACCOUNT, sharedApp, twoRegionApp,
} from './redirection-apps';

const ASSOCIATION = 'Custom::WorkSpacesConnectionAliasAssociation';
const DELAYS = { createDelayMs: 150, deleteDelayMs: 150, associateDelayMs: 150, disassociateDelayMs: 150 };
let emulator: WorkSpacesEmulator;

beforeEach(async () => {
  emulator = await WorkSpacesEmulator.start(DELAYS);
});
afterEach(() => emulator.stop());

function simulatorFor(stack: SynthesizedStack): CloudFormationSimulator {
  return CloudFormationSimulator.forStack(stack, { env: emulatorEnvironment({ workspaces: emulator.endpoint }) });
}

describe('two Region stacks with failover records', () => {
  beforeEach(() => {
    emulator.addDirectory('d-1111111111', { accountId: OWNER_ACCOUNT, region: PRIMARY_REGION });
    emulator.addDirectory('d-2222222222', { accountId: OWNER_ACCOUNT, region: SECONDARY_REGION });
    emulator.addDirectory('d-3333333333', { accountId: OWNER_ACCOUNT, region: SECONDARY_REGION });
  });

  test('answer the primary Region when healthy, the secondary when not, and follow a directory move', async () => {
    const v1 = twoRegionApp({ primaryDirectory: 'd-1111111111', secondaryDirectory: 'd-2222222222' });
    const primary = simulatorFor(v1.primary);
    const secondary = simulatorFor(v1.secondary);
    expect([primary.region, secondary.region]).toEqual([PRIMARY_REGION, SECONDARY_REGION]);
    expect((await primary.deploy(v1.primary)).status).toBe('CREATE_COMPLETE');
    expect((await secondary.deploy(v1.secondary)).status).toBe('CREATE_COMPLETE');

    const identifierIn = (region: string) => {
      const [alias] = emulator.aliases({ accountId: OWNER_ACCOUNT, region });
      expect(alias).toMatchObject({ connectionString: CONNECTION_STRING, state: 'CREATED' });
      expect(alias.associations).toHaveLength(1);
      return alias.associations[0].connectionIdentifier;
    };
    const health = logicalIdOf(v1.primary, 'AWS::Route53::HealthCheck');
    const answer = (healthy: boolean) =>
      resolveFailover(recordSetsOf([primary, secondary]), `${CONNECTION_STRING}.`, 'TXT', { [health]: healthy })?.values;

    expect(identifierIn(PRIMARY_REGION)).not.toBe(identifierIn(SECONDARY_REGION));
    expect(answer(true)).toEqual([identifierIn(PRIMARY_REGION)]);
    expect(answer(false)).toEqual([identifierIn(SECONDARY_REGION)]);

    // Only the secondary's stack is deployed again: its record follows the new ConnectionIdentifier.
    const before = identifierIn(SECONDARY_REGION);
    const v2 = twoRegionApp({ primaryDirectory: 'd-1111111111', secondaryDirectory: 'd-3333333333' });
    expect((await secondary.deploy(v2.secondary)).status).toBe('UPDATE_COMPLETE');
    expect(emulator.aliases({ region: SECONDARY_REGION })[0].associations).toEqual([
      expect.objectContaining({ resourceId: 'd-3333333333', associationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT' }),
    ]);
    expect(identifierIn(SECONDARY_REGION)).not.toBe(before);
    expect(answer(false)).toEqual([identifierIn(SECONDARY_REGION)]);
    expect(answer(true)).toEqual([identifierIn(PRIMARY_REGION)]);

    // Teardown, the failed-over Region first: its record goes before its alias.
    const deleted = await secondary.deleteStack();
    expect(deleted.status).toBe('DELETE_COMPLETE');
    expect(answer(false)).toEqual([identifierIn(PRIMARY_REGION)]);
    expect((await primary.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(recordSetsOf([primary, secondary])).toEqual([]);
    expect(emulator.aliases()).toEqual([]);
  });
});

describe('an alias shared with another account', () => {
  beforeEach(() => {
    emulator.addDirectory('d-aaaaaaaaaa', { accountId: SHARED_ACCOUNT, region: PRIMARY_REGION });
    emulator.addDirectory('d-bbbbbbbbbb', { accountId: SHARED_ACCOUNT, region: PRIMARY_REGION });
    emulator.addDirectory('d-1111111111', { accountId: OWNER_ACCOUNT, region: PRIMARY_REGION });
  });

  /** A deploys its alias shared with B; returns A's simulator and the alias id. */
  async function ownerDeploys(): Promise<{ owner: CloudFormationSimulator; aliasId: string }> {
    const stack = ownerApp();
    const owner = simulatorFor(stack);
    expect((await owner.deploy(stack)).status).toBe('CREATE_COMPLETE');
    const [alias] = emulator.aliases({ accountId: OWNER_ACCOUNT });
    expect(alias.sharedWith).toEqual([SHARED_ACCOUNT]);
    return { owner, aliasId: alias.aliasId };
  }

  const marksOf = (directoryId: string) => emulator.directoryTags(directoryId, { accountId: SHARED_ACCOUNT, region: PRIMARY_REGION });

  test('A shares, B associates and moves, A cannot delete until B is gone, then nothing is left', async () => {
    const { owner, aliasId } = await ownerDeploys();

    // B associates A's alias with its directory.
    const v1 = sharedApp(aliasId, 'd-aaaaaaaaaa');
    const assocId = logicalIdOf(v1, ASSOCIATION);
    const shared = simulatorFor(v1);
    expect(shared.accountId).toBe(SHARED_ACCOUNT);
    expect((await shared.deploy(v1)).status).toBe('CREATE_COMPLETE');
    let [alias] = emulator.aliases();
    expect(alias.associations).toEqual([{
      associatedAccountId: SHARED_ACCOUNT, resourceId: 'd-aaaaaaaaaa', associationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT',
      connectionIdentifier: expect.any(String),
    }]);
    expect(shared.data(assocId)).toEqual({
      ConnectionIdentifier: alias.associations[0].connectionIdentifier, AliasId: aliasId, ConnectionString: CONNECTION_STRING,
    });
    expect(marksOf('d-aaaaaaaaaa')).toEqual({
      [`cdk-aliases:owner:${aliasId}`]: expect.stringMatching(/^[0-9a-f]{64}$/),
      [`cdk-aliases:stack:${aliasId}`]: 'Shared',
    });
    // The shared account never touched A's alias tags.
    expect(Object.keys(alias.tags).sort()).toEqual(['cdk-aliases:owner', 'cdk-aliases:stack']);

    // B moves it to its other directory: same physical id, a new ConnectionIdentifier, the marks follow.
    const v2 = sharedApp(aliasId, 'd-bbbbbbbbbb');
    expect((await shared.deploy(v2)).status).toBe('UPDATE_COMPLETE');
    [alias] = emulator.aliases();
    expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-bbbbbbbbbb', associationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT' })]);
    expect(shared.physicalId(assocId)).toBe(aliasId);
    expect(shared.data(assocId)?.ConnectionIdentifier).toBe(alias.associations[0].connectionIdentifier);
    expect(marksOf('d-aaaaaaaaaa')).toEqual({});
    expect(Object.keys(marksOf('d-bbbbbbbbbb'))).toHaveLength(2);

    // A's delete is refused, naming B and its directory, and leaves the alias exactly as it was.
    const calls = emulator.calls.length;
    const refused = await owner.deleteStack();
    expect(refused.status).toBe('DELETE_FAILED');
    expect(refused.events[0].reason).toContain(`account ${SHARED_ACCOUNT} has it associated with its directory d-bbbbbbbbbb`);
    expect(refused.events[0].reason).toContain('must remove its association first');
    expect(emulator.aliases()).toEqual([alias]);
    const changes = emulator.calls.slice(calls).filter((c) => !/^Describe/.test(c.operation));
    expect(changes).toEqual([]);

    // B removes its association; then A's delete goes through and nothing is left.
    expect((await shared.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()[0].associations).toEqual([]);
    expect(marksOf('d-bbbbbbbbbb')).toEqual({});
    expect((await owner.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()).toEqual([]);
  });

  test("A's move of the share is refused while B is associated, naming B, and rolls back", async () => {
    const { owner, aliasId } = await ownerDeploys();
    const shared = simulatorFor(sharedApp(aliasId, 'd-aaaaaaaaaa'));
    await shared.deploy(sharedApp(aliasId, 'd-aaaaaaaaaa'));

    const result = await owner.deploy(ownerApp('333333333333'));

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.events[0].reason).toContain(`cannot stop being shared with account ${SHARED_ACCOUNT}: account ${SHARED_ACCOUNT} has it associated with its directory d-aaaaaaaaaa`);
    const [alias] = emulator.aliases();
    expect(alias).toMatchObject({ aliasId, sharedWith: [SHARED_ACCOUNT] });
    expect(alias.associations).toEqual([expect.objectContaining({ associatedAccountId: SHARED_ACCOUNT, resourceId: 'd-aaaaaaaaaa' })]);
    expect(emulator.callsOf('UpdateConnectionAliasPermission').filter((c) => c.input.ConnectionAliasPermission?.AllowAssociation === false)).toEqual([]);
  });

  test('a redelivered Create ends in one association', async () => {
    const { aliasId } = await ownerDeploys();
    const stack = sharedApp(aliasId, 'd-aaaaaaaaaa');
    const shared = simulatorFor(stack);
    const created = await shared.deploy(stack);
    expect(created.status).toBe('CREATE_COMPLETE');

    const again = await shared.redeliver(created.events[0]);

    expect(again).toMatchObject({ status: 'SUCCESS', physicalResourceId: aliasId, data: created.events[0].data });
    expect(emulator.aliases()[0].associations).toHaveLength(1);
    expect(emulator.callsOf('AssociateConnectionAlias')).toHaveLength(1);
  });

  test('a failed Create undoes itself: no association and no marks are left', async () => {
    const { aliasId } = await ownerDeploys();
    // The association is made, but settles only after the work deadline (20 s timeout: work until about 13.5 s,
    // the undo until 18 s), so the wait fails and the undo disassociates once it has settled.
    emulator.setDelays({ associateDelayMs: 14_000 });
    const stack = sharedApp(aliasId, 'd-aaaaaaaaaa');
    const shared = CloudFormationSimulator.forStack(stack, { env: emulatorEnvironment({ workspaces: emulator.endpoint }), invoke: { timeoutMs: 20_000 } });

    const result = await shared.deploy(stack);

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events[0].reason).toMatch(/Timed out after \d+s waiting for connection alias .* to be associated with directory d-aaaaaaaaaa/);
    expect(result.events[0].reason).not.toContain('also failed');
    expect(emulator.aliases()[0].associations).toEqual([]);
    expect(marksOf('d-aaaaaaaaaa')).toEqual({});
  }, 40_000);

  test('an alias held by another directory is refused, naming the alias and the holder', async () => {
    const { aliasId } = await ownerDeploys();
    emulator.associateFromSharedAccount(aliasId, SHARED_ACCOUNT, 'd-bbbbbbbbbb');
    const stack = sharedApp(aliasId, 'd-aaaaaaaaaa');

    const result = await simulatorFor(stack).deploy(stack);

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events[0].reason).toContain(`Connection alias ${aliasId} is already associated with directory d-bbbbbbbbbb of this account (${SHARED_ACCOUNT})`);
    expect(emulator.aliases()[0].associations).toEqual([expect.objectContaining({ resourceId: 'd-bbbbbbbbbb' })]);
    expect(marksOf('d-aaaaaaaaaa')).toEqual({});
  });

  test('a renamed construct takes the association over; rollback hands it back; the old one confirms', async () => {
    const { aliasId } = await ownerDeploys();
    const v1 = sharedApp(aliasId, 'd-aaaaaaaaaa', 'Assoc');
    const shared = simulatorFor(v1);
    await shared.deploy(v1);
    const identifier = emulator.aliases()[0].associations[0].connectionIdentifier;
    const oldMarker = marksOf('d-aaaaaaaaaa')[`cdk-aliases:owner:${aliasId}`];

    // The rename: Create of the new logical id, then the cleanup Delete of the old one.
    const renamed = await shared.deploy(sharedApp(aliasId, 'd-aaaaaaaaaa', 'Renamed'));

    expect(renamed.status).toBe('UPDATE_COMPLETE');
    expect(renamed.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
      ['deploy', 'Create', 'SUCCESS'],
      ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    const [alias] = emulator.aliases();
    expect(alias.associations).toEqual([expect.objectContaining({ resourceId: 'd-aaaaaaaaaa', connectionIdentifier: identifier })]);
    const marks = marksOf('d-aaaaaaaaaa');
    expect(marks[`cdk-aliases:owner:${aliasId}`]).not.toBe(oldMarker);
    expect(marks[`cdk-aliases:previous-owner:${aliasId}`]).toBeUndefined();
    expect(emulator.callsOf('DisassociateConnectionAlias')).toHaveLength(0);

    // The renamed stack's deletion disassociates.
    expect((await shared.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()[0].associations).toEqual([]);
    expect(marksOf('d-aaaaaaaaaa')).toEqual({});
  });

  test('a rename whose deployment rolls back hands the association back', async () => {
    const { aliasId } = await ownerDeploys();
    const v1 = sharedApp(aliasId, 'd-aaaaaaaaaa', 'Assoc');
    const shared = simulatorFor(v1);
    await shared.deploy(v1);
    const before = marksOf('d-aaaaaaaaaa');

    // The Create of 'Renamed' takes over; 'Zfail' (after it in logical id order) then fails on a missing directory.
    const failing = sharedApp(aliasId, 'd-aaaaaaaaaa', 'Renamed', 'd-9999999999');
    const result = await shared.deploy(failing);

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(marksOf('d-aaaaaaaaaa')).toEqual(before);
    expect(emulator.aliases()[0].associations).toEqual([expect.objectContaining({ resourceId: 'd-aaaaaaaaaa' })]);
    expect((await shared.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.aliases()[0].associations).toEqual([]);
  });

  test('an association already gone is success on Delete', async () => {
    const { aliasId } = await ownerDeploys();
    const stack = sharedApp(aliasId, 'd-aaaaaaaaaa');
    const shared = simulatorFor(stack);
    await shared.deploy(stack);
    emulator.disassociateFromSharedAccount(aliasId);

    const result = await shared.deleteStack();

    expect(result.status).toBe('DELETE_COMPLETE');
    expect(result.events).toEqual([expect.objectContaining({ status: 'SUCCESS' })]);
    expect(emulator.callsOf('DisassociateConnectionAlias')).toHaveLength(0);
    expect(marksOf('d-aaaaaaaaaa')).toEqual({});
  });
});

