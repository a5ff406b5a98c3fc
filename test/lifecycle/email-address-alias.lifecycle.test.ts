// The real bundled handler, taken from a synthesized cloud assembly, driven through CloudFormation's
// request sequence against the emulated Amazon Connect endpoint; every scenario asserts the emulator's
// final associations.
import { ConnectClient, DisassociateEmailAddressAliasCommand } from '@aws-sdk/client-connect';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import { EmailAddressAlias, EmailAddressAliasProps } from '../../lib';
import { ConnectEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, synthesize } from '../../testkit';

let emulator: ConnectEmulator;
let cfn: CloudFormationSimulator;
let instance: string;
let a: string;
let b: string;
let c: string;

beforeEach(async () => {
  emulator = await ConnectEmulator.start();
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ connect: emulator.endpoint }) });
  instance = emulator.addInstance();
  a = emulator.addEmailAddress(instance, 'support@example.com');
  b = emulator.addEmailAddress(instance, 'help@example.com');
  c = emulator.addEmailAddress(instance, 'contact@example.com');
});
afterEach(() => emulator.stop());

type Pair = Omit<EmailAddressAliasProps, 'instanceId'>;

/** A stack with one EmailAddressAlias 'Alias' in the emulated instance. */
function aliasStack(pair: Pair) {
  return synthesize((stack: Stack) => new EmailAddressAlias(stack, 'Alias', { instanceId: instance, ...pair }));
}

test('create, swap the alias, swap the primary, delete', async () => {
  expect((await cfn.deploy(aliasStack({ emailAddressId: a, aliasEmailAddressId: b }))).status).toBe('CREATE_COMPLETE');
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);

  // B → C on the same primary: the old association goes before the new one is made.
  const swap = await cfn.deploy(aliasStack({ emailAddressId: a, aliasEmailAddressId: c }));
  expect(swap.status).toBe('UPDATE_COMPLETE');
  expect(swap.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
    ['deploy', 'Update', 'SUCCESS'],
    ['cleanup', 'Delete', 'SUCCESS'],
  ]);
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: c }]);
  // The cleanup Delete of the old physical id found nothing of its own to remove.
  expect(emulator.callsOf('DisassociateEmailAddressAlias')).toHaveLength(1);

  // Primary A → B with alias C.
  expect((await cfn.deploy(aliasStack({ emailAddressId: b, aliasEmailAddressId: c }))).status).toBe('UPDATE_COMPLETE');
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: b, aliasEmailAddressId: c }]);

  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual([]);
});

test('a Create whose response was lost is replayed by its ClientToken, and a redelivery changes nothing', async () => {
  let lost = false;
  emulator.faults = ({ operation }) => {
    if (operation === 'AssociateEmailAddressAlias' && !lost) {
      lost = true;
      return { kind: 'lose-response' };
    }
    return undefined;
  };

  const created = await cfn.deploy(aliasStack({ emailAddressId: a, aliasEmailAddressId: b }));
  const again = await cfn.redeliver(created.events[0]);

  expect(created.status).toBe('CREATE_COMPLETE');
  expect(again.status).toBe('SUCCESS');
  expect(again.physicalResourceId).toBe(created.events[0].physicalResourceId);
  const associates = emulator.callsOf('AssociateEmailAddressAlias');
  expect(associates.map((call) => call.outcome)).toEqual(['lost', 'replayed']);
  expect(associates[1].input.ClientToken).toBe(associates[0].input.ClientToken);
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
});

test('a failed update (the new alias does not exist) is rolled back to the old association', async () => {
  await cfn.deploy(aliasStack({ emailAddressId: a, aliasEmailAddressId: b }));

  const result = await cfn.deploy(aliasStack({ emailAddressId: a, aliasEmailAddressId: '00000000-0000-0000-0000-00000000dead' }));

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toMatch(/ResourceNotFoundException/);
  expect(result.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([
    ['deploy', 'Update', 'FAILED'],
    ['rollback', 'Update', 'SUCCESS'],
  ]);
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
});

test('Delete when the association is already gone, or the address was deleted, is success', async () => {
  await cfn.deploy(synthesize((stack) => {
    new EmailAddressAlias(stack, 'First', { instanceId: instance, emailAddressId: a, aliasEmailAddressId: b });
    new EmailAddressAlias(stack, 'Second', { instanceId: instance, emailAddressId: c, aliasEmailAddressId: emulator.addEmailAddress(instance, 'x@example.com') });
  }));
  expect(emulator.associations()).toHaveLength(2);
  emulator.deleteEmailAddress(instance, c);
  const client = await connectClient();
  await client.send(new DisassociateEmailAddressAliasCommand({ InstanceId: instance, EmailAddressId: a, AliasConfiguration: { EmailAddressId: b } }));

  const result = await cfn.deleteStack();

  expect(result.status).toBe('DELETE_COMPLETE');
  expect(result.events.map((e) => e.status)).toEqual(['SUCCESS', 'SUCCESS']);
  // Only the out-of-band call disassociated anything.
  expect(emulator.callsOf('DisassociateEmailAddressAlias')).toHaveLength(1);
  expect(emulator.associations()).toEqual([]);
});

test('CfnEmailAddress ARNs are normalised to ids, and RETAIN keeps the association', async () => {
  const arns: Record<string, Record<string, string>> = {};
  const stack = synthesize((s) => {
    const instanceArn = emulator.instanceArn(instance);
    const primary = new connect.CfnEmailAddress(s, 'Primary', { instanceArn, emailAddress: 'support@example.com' });
    const alias = new connect.CfnEmailAddress(s, 'Secondary', { instanceArn, emailAddress: 'help@example.com' });
    arns[s.getLogicalId(primary)] = { EmailAddressArn: emulator.emailAddressArn(instance, a) };
    arns[s.getLogicalId(alias)] = { EmailAddressArn: emulator.emailAddressArn(instance, b) };
    EmailAddressAlias.between(s, 'Alias', { primary, alias, removalPolicy: RemovalPolicy.RETAIN });
  });
  cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ connect: emulator.endpoint }), attributes: arns });

  const created = await cfn.deploy(stack);
  const deleted = await cfn.deleteStack();

  expect(created.status).toBe('CREATE_COMPLETE');
  expect(created.events[0].event.ResourceProperties.EmailAddressId).toBe(emulator.emailAddressArn(instance, a));
  expect(created.events[0].data).toEqual({ InstanceId: instance, EmailAddressId: a, AliasEmailAddressId: b });
  expect(emulator.callsOf('AssociateEmailAddressAlias')[0].input).toMatchObject({ InstanceId: instance, EmailAddressId: a, AliasConfiguration: { EmailAddressId: b } });
  expect(deleted.events).toEqual([]);
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
});

async function connectClient() {
  return new ConnectClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
}
