// Ownership of Amazon Connect associations, with the real bundled handler against the emulated instance:
// both addresses of a pair carry the owning resource's marks, so a rename keeps the pair, a second stack or a
// hand-made association is never adopted, and a Delete releases only what its resource owns.
import { createHash } from 'node:crypto';
import { AssociateEmailAddressAliasCommand, ConnectClient } from '@aws-sdk/client-connect';
import { Stack } from 'aws-cdk-lib';
import { EmailAddressAlias, EmailAddressAliasProps } from '../../lib';
import { CloudFormationSimulator, ConnectEmulator, emulatorEnvironment, synthesize } from '../../testkit';

const MARK_KEYS = ['cdk-aliases:owner', 'cdk-aliases:stack', 'cdk-aliases:previous-owner', 'cdk-aliases:pair'];

let emulator: ConnectEmulator;
let cfn: CloudFormationSimulator;
let instance: string;
let a: string;
let b: string;

beforeEach(async () => {
  emulator = await ConnectEmulator.start();
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ connect: emulator.endpoint }) });
  instance = emulator.addInstance();
  a = emulator.addEmailAddress(instance, 'support@example.com');
  b = emulator.addEmailAddress(instance, 'help@example.com');
});
afterEach(() => emulator.stop());

type Pair = Omit<EmailAddressAliasProps, 'instanceId'>;

/** A stack holding one EmailAddressAlias per entry, by construct id. */
function stackOf(aliases: Record<string, Pair>) {
  return synthesize((stack: Stack) => {
    for (const [id, pair] of Object.entries(aliases)) {
      new EmailAddressAlias(stack, id, { instanceId: instance, ...pair });
    }
  });
}

const marker = (logicalId: string, stackName = 'LifecycleStack') => createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex');
const marks = (id: string) => Object.fromEntries(Object.entries(emulator.tagsOf(instance, id)).filter(([key]) => key.startsWith('cdk-aliases:')));
const pairAB = () => [{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }];

test('a rename takes the pair over, the old resource\'s cleanup Delete leaves it, and stack deletion removes it', async () => {
  await cfn.deploy(stackOf({ Alias: { emailAddressId: a, aliasEmailAddressId: b } }));
  const oldId = cfn.history[0].event.LogicalResourceId;
  const before = emulator.calls.length;

  const renamed = await cfn.deploy(stackOf({ Renamed: { emailAddressId: a, aliasEmailAddressId: b } }));

  expect(renamed.status).toBe('UPDATE_COMPLETE');
  expect(renamed.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
    ['deploy', 'Create', 'SUCCESS'],
    ['cleanup', 'Delete', 'SUCCESS'],
  ]);
  const newId = renamed.events[0].event.LogicalResourceId;
  expect(emulator.associations()).toEqual(pairAB());
  for (const id of [a, b]) {
    expect(marks(id)).toEqual({ 'cdk-aliases:owner': marker(newId), 'cdk-aliases:stack': 'LifecycleStack', 'cdk-aliases:pair': `${a}/${b}` });
  }
  expect(marker(newId)).not.toBe(marker(oldId));
  const renameCalls = emulator.calls.slice(before);
  expect(renameCalls.filter((c) => /associate/i.test(c.operation))).toEqual([]);
  process.stdout.write(`API calls of an EmailAddressAlias rename: ${renameCalls.length} (${summary(renameCalls.map((c) => c.operation))})\n`);

  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual([]);
  expect(marks(a)).toEqual({});
  expect(marks(b)).toEqual({});
});

test('a rename whose deployment fails later is rolled back: the old resource owns the pair again', async () => {
  await cfn.deploy(stackOf({ Alias: { emailAddressId: a, aliasEmailAddressId: b } }));
  const oldId = cfn.history[0].event.LogicalResourceId;
  const c = emulator.addEmailAddress(instance, 'contact@example.com');

  // 'Zfail' comes after 'Renamed' and names an address that does not exist.
  const result = await cfn.deploy(stackOf({
    Renamed: { emailAddressId: a, aliasEmailAddressId: b },
    Zfail: { emailAddressId: c, aliasEmailAddressId: 'ffffffff-0000-0000-0000-000000000000' },
  }));

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(emulator.associations()).toEqual(pairAB());
  for (const id of [a, b]) {
    expect(marks(id)).toEqual({ 'cdk-aliases:owner': marker(oldId), 'cdk-aliases:stack': 'LifecycleStack', 'cdk-aliases:pair': `${a}/${b}` });
  }
  expect(marks(c)).toEqual({});

  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual([]);
  expect(marks(a)).toEqual({});
});

test('a second stack declaring the same pair is refused, naming the owning stack, and deleting it leaves the pair', async () => {
  const template = stackOf({ Alias: { emailAddressId: a, aliasEmailAddressId: b } });
  await cfn.deploy(template);
  const other = new CloudFormationSimulator({ stackName: 'OtherStack', env: emulatorEnvironment({ connect: emulator.endpoint }) });

  const refused = await other.deploy(template);

  expect(refused.status).toBe('ROLLBACK_COMPLETE');
  expect(refused.events[0].reason).toMatch(/belongs to an EmailAddressAlias of stack LifecycleStack/);
  expect(emulator.callsOf('TagResource').filter((c) => c.input.tags['cdk-aliases:stack'] === 'OtherStack')).toEqual([]);
  expect((await other.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual(pairAB());
  expect(marks(a)['cdk-aliases:stack']).toBe('LifecycleStack');

  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual([]);
});

test('an association made by hand is not adopted, and the failed deployment leaves it as it was', async () => {
  const client = new ConnectClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await client.send(new AssociateEmailAddressAliasCommand({ InstanceId: instance, EmailAddressId: a, AliasConfiguration: { EmailAddressId: b } }));

  const result = await cfn.deploy(stackOf({ Alias: { emailAddressId: a, aliasEmailAddressId: b } }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toContain(`is already the alias of support@example.com (${a})`);
  expect(result.events[0].reason).toContain('is not adopted. Disassociate it by hand');
  expect(emulator.associations()).toEqual(pairAB());
  expect(marks(a)).toEqual({});
  expect(marks(b)).toEqual({});
  expect(emulator.callsOf('TagResource')).toEqual([]);
  expect(emulator.callsOf('DisassociateEmailAddressAlias')).toEqual([]);
});

test('a Create whose Associate meets a 5xx after the marks were set finishes the pair, both addresses marked', async () => {
  let killed = false;
  emulator.faults = ({ operation }) => {
    if (operation === 'AssociateEmailAddressAlias' && !killed) {
      killed = true;
      return { kind: 'error', status: 500, name: 'InternalServiceException', message: 'Injected' };
    }
    return undefined;
  };

  const result = await cfn.deploy(stackOf({ Alias: { emailAddressId: a, aliasEmailAddressId: b } }));

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(emulator.associations()).toEqual(pairAB());
  expect(Object.keys(marks(b)).sort()).toEqual(MARK_KEYS.filter((k) => k !== 'cdk-aliases:previous-owner').sort());
});

function summary(operations: string[]): string {
  const counts = new Map<string, number>();
  operations.forEach((op) => counts.set(op, (counts.get(op) ?? 0) + 1));
  return [...counts].map(([op, n]) => `${op} ${n}`).join(', ');
}
