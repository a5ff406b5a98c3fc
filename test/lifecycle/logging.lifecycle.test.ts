// Logs of the real bundled handlers through whole lifecycles, failures included: they never contain the
// pre-signed ResponseURL or the function's credentials, and every line names its resource and request.
import { Stack } from 'aws-cdk-lib';
import { ConnectionAlias, EmailAddressAlias } from '../../lib';
import { ConnectEmulator, WorkSpacesEmulator } from '../../testkit';
import { CloudFormationSimulator, emulatorEnvironment, ResourceEvent, synthesize } from '../../testkit';

let workspaces: WorkSpacesEmulator;
let connect: ConnectEmulator;
beforeEach(async () => {
  workspaces = await WorkSpacesEmulator.start({ createDelayMs: 100, deleteDelayMs: 100, associateDelayMs: 100, disassociateDelayMs: 100, directories: ['d-1111111111'] });
  connect = await ConnectEmulator.start();
});
afterEach(async () => {
  await Promise.all([workspaces.stop(), connect.stop()]);
});

test('handler logs name their resource and request, and never leak the ResponseURL or credentials', async () => {
  const env = emulatorEnvironment({ workspaces: workspaces.endpoint, connect: connect.endpoint });
  const cfn = new CloudFormationSimulator({ env });
  const instance = connect.addInstance();
  const [a, b, c] = ['a', 'b', 'c'].map((name) => connect.addEmailAddress(instance, `${name}@example.com`));
  const stack = (directoryId: string, alias: string) => synthesize((s: Stack) => {
    new ConnectionAlias(s, 'Alias', { connectionString: 'desktop.example.com', directoryId, sharedAccountId: '222222222222' });
    new EmailAddressAlias(s, 'Mail', { instanceId: instance, emailAddressId: a, aliasEmailAddressId: alias });
  });

  await cfn.deploy(stack('d-1111111111', b));
  await cfn.deploy(stack('d-9999999999', c)); // fails and rolls back: error paths log too
  await cfn.deleteStack();

  const invoked = cfn.history.filter((e): e is ResourceEvent & { invocation: NonNullable<ResourceEvent['invocation']> } => !!e.invocation);
  expect(invoked.map((e) => e.status)).toContain('FAILED');
  expect(invoked.length).toBeGreaterThanOrEqual(6);
  for (const { event, invocation } of invoked) {
    expect(invocation.logs).not.toContain(event.ResponseURL);
    expect(invocation.logs).not.toContain('cloudformation-custom-resource-response');
    expect(invocation.logs).not.toContain(env.AWS_SECRET_ACCESS_KEY);
    expect(invocation.logs).not.toContain(env.AWS_ACCESS_KEY_ID);
    const lines = invocation.logs.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({ logicalResourceId: event.LogicalResourceId, requestId: event.RequestId, requestType: event.RequestType });
    }
  }
});
