// The CloudFormation simulator itself: stacks of one app in several accounts and Regions, a stack created
// again under its old name, the Provider framework rules it plays, and the Route 53 failover resolver.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { CfnHealthCheck, CfnRecordSet } from 'aws-cdk-lib/aws-route53';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectionAlias } from '../../lib';
import {
  CloudFormationSimulator,
  CREATE_FAILED_MARKER,
  emulatorEnvironment,
  FRAMEWORK_RESPONSE_MODULE,
  FRAMEWORK_SKIPS_DELETE_OF_FAILED_CREATE,
  parseStackArn,
  recordSetsOf,
  resolveFailover,
  synthesize,
  synthesizeApp,
  WorkSpacesEmulator,
} from '../../testkit';

const EAST = { account: '111111111111', region: 'us-east-1' };
const WEST = { account: '222222222222', region: 'eu-west-1' };
const FQDN = 'desktop.example.com';

let ws: WorkSpacesEmulator;
beforeEach(async () => {
  ws = await WorkSpacesEmulator.start({ createDelayMs: 50, deleteDelayMs: 50, associateDelayMs: 50, disassociateDelayMs: 50 });
});
afterEach(() => ws.stop());

/** One Region's stack: an alias on `directoryId` and its failover TXT record. */
function regionStack(app: App, name: string, env: typeof EAST, directoryId: string, failover: 'PRIMARY' | 'SECONDARY', connectionString = FQDN) {
  const stack = new Stack(app, name, { env });
  const alias = new ConnectionAlias(stack, 'Alias', { connectionString, directoryId });
  const healthCheck = failover === 'PRIMARY'
    ? new CfnHealthCheck(stack, 'Health', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'health.example.com' } })
    : undefined;
  new CfnRecordSet(stack, 'Record', {
    name: `${FQDN}.`,
    type: 'TXT',
    hostedZoneId: 'Z0000000000000000000',
    ttl: Duration.seconds(30).toSeconds().toString(),
    failover,
    setIdentifier: env.region,
    healthCheckId: healthCheck?.ref,
    resourceRecords: [`"${alias.connectionIdentifier}"`],
  });
  return stack;
}

describe('stacks of one app in several accounts and Regions', () => {
  test('each stack\'s StackId and handler credentials are its own account and Region', async () => {
    const stacks = synthesizeApp((app) => [
      regionStack(app, 'East', EAST, 'd-1111111111', 'PRIMARY'),
      // A connection string belongs to the account that created it first, so the other account uses its own.
      regionStack(app, 'West', WEST, 'd-2222222222', 'SECONDARY', 'west.example.com'),
    ]);
    const env = emulatorEnvironment({ workspaces: ws.endpoint });
    const east = CloudFormationSimulator.forStack(stacks.East, { env });
    const west = CloudFormationSimulator.forStack(stacks.West, { env });

    expect((await east.deploy(stacks.East)).status).toBe('CREATE_COMPLETE');
    expect((await west.deploy(stacks.West)).status).toBe('CREATE_COMPLETE');

    expect(parseStackArn(east.stackId)).toEqual({ accountId: EAST.account, region: EAST.region, stackName: 'East' });
    expect(parseStackArn(west.stackId)).toEqual({ accountId: WEST.account, region: WEST.region, stackName: 'West' });
    expect(west.history.every((e) => e.event.StackId === west.stackId)).toBe(true);
    expect(ws.aliases({ accountId: EAST.account, region: EAST.region })).toEqual([expect.objectContaining({ connectionString: FQDN, state: 'CREATED' })]);
    expect(ws.aliases({ accountId: WEST.account, region: WEST.region })).toEqual([expect.objectContaining({ connectionString: 'west.example.com', state: 'CREATED' })]);
    expect(new Set(ws.calls.filter((c) => c.region === WEST.region).map((c) => c.accountId))).toEqual(new Set([WEST.account]));
  });

  test('Route 53 failover: the primary Region\'s ConnectionIdentifier while its health check is healthy, else the secondary\'s', async () => {
    const stacks = synthesizeApp((app) => [
      regionStack(app, 'East', EAST, 'd-1111111111', 'PRIMARY'),
      regionStack(app, 'West', { ...WEST, account: EAST.account }, 'd-2222222222', 'SECONDARY'),
    ]);
    const env = emulatorEnvironment({ workspaces: ws.endpoint });
    const cfns = [CloudFormationSimulator.forStack(stacks.East, { env }), CloudFormationSimulator.forStack(stacks.West, { env })];
    for (const [i, name] of ['East', 'West'].entries()) {
      expect((await cfns[i].deploy(stacks[name])).status).toBe('CREATE_COMPLETE');
    }
    const identifierIn = (region: string) => ws.aliases({ region })[0].associations[0].connectionIdentifier;
    const records = recordSetsOf(cfns);
    expect(records.map((r) => [r.stack, r.properties.Failover, r.properties.SetIdentifier])).toEqual([['East', 'PRIMARY', 'us-east-1'], ['West', 'SECONDARY', 'eu-west-1']]);

    expect(resolveFailover(records, FQDN, 'TXT', { Health: true })).toMatchObject({ failover: 'PRIMARY', values: [identifierIn('us-east-1')] });
    expect(resolveFailover(records, `${FQDN.toUpperCase()}.`, 'TXT', { Health: false })).toMatchObject({ failover: 'SECONDARY', values: [identifierIn('eu-west-1')] });
    expect(resolveFailover(records, 'other.example.com', 'TXT', { Health: true })).toBeUndefined();
    expect(() => resolveFailover(records, FQDN, 'TXT', {})).toThrow(/no health state given for health check Health/);

    // After the West stack is deleted, its record is gone with it: only the primary answers.
    expect((await cfns[1].deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(resolveFailover(recordSetsOf(cfns), FQDN, 'TXT', { Health: false })).toMatchObject({ failover: 'PRIMARY' });
  });

  test('the resolver refuses what Route 53 would: two PRIMARY records for one name, a PRIMARY without a health check', () => {
    const record = (stack: string, properties: Record<string, unknown>) => ({ stack, logicalId: 'Record', properties: { Name: FQDN, Type: 'TXT', ResourceRecords: ['"x"'], ...properties } });
    expect(() => resolveFailover([record('A', { Failover: 'PRIMARY', HealthCheckId: 'h' }), record('B', { Failover: 'PRIMARY', HealthCheckId: 'h' })], FQDN, 'TXT', { h: true }))
      .toThrow(/more than one PRIMARY record \(A\/Record, B\/Record\)/);
    expect(() => resolveFailover([record('A', { Failover: 'PRIMARY' })], FQDN, 'TXT', {})).toThrow(/needs a HealthCheckId/);
    expect(() => resolveFailover([record('A', { Failover: 'SECONDARY', ResourceRecords: ['unquoted'] })], FQDN, 'TXT', {})).toThrow(/not quoted/);
    // Every record unhealthy: Route 53 answers as if all were healthy.
    expect(resolveFailover([record('A', { Failover: 'PRIMARY', HealthCheckId: 'p' }), record('B', { Failover: 'SECONDARY', HealthCheckId: 's', ResourceRecords: ['"y"'] })], FQDN, 'TXT', { p: false, s: false }))
      .toMatchObject({ failover: 'PRIMARY', values: ['x'] });
  });
});

describe('a stack deleted and created again under its name', () => {
  const aliasStack = () => synthesize((stack) => new ConnectionAlias(stack, 'Alias', { connectionString: FQDN }));

  test('gets a new StackId, and its requests carry it', async () => {
    const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: ws.endpoint }) });
    const stack = aliasStack();
    await cfn.deploy(stack);
    const first = cfn.stackId;
    expect(() => cfn.recreate()).toThrow(/still holds Alias/);
    expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');

    cfn.recreate();
    expect(cfn.status).toBeUndefined();
    expect(cfn.stackId).not.toBe(first);
    expect(parseStackArn(cfn.stackId).stackName).toBe(parseStackArn(first).stackName);
    const again = await cfn.deploy(stack);
    expect(again.status).toBe('CREATE_COMPLETE');
    expect(again.events.map((e) => [e.event.RequestType, e.event.StackId])).toEqual([['Create', cfn.stackId]]);
    expect(ws.aliases()).toHaveLength(1);
  });

  test('is allowed after a first deployment that rolled back (ROLLBACK_COMPLETE)', async () => {
    ws.addDirectory('d-1111111111');
    const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: ws.endpoint }) });
    const failing = synthesize((stack) => new ConnectionAlias(stack, 'Alias', { connectionString: FQDN, directoryId: 'd-9999999999' }));
    expect((await cfn.deploy(failing)).status).toBe('ROLLBACK_COMPLETE');
    const first = cfn.stackId;
    cfn.recreate();
    expect(cfn.stackId).not.toBe(first);
  });
});

describe('the Provider framework, as aws-cdk-lib ships it', () => {
  test('the CREATE_FAILED marker is the framework\'s own constant', () => {
    const declared = fs.readFileSync(FRAMEWORK_RESPONSE_MODULE.replace(/\.js$/, '.d.ts'), 'utf8');
    expect(declared).toContain(`CREATE_FAILED_PHYSICAL_ID_MARKER = "${CREATE_FAILED_MARKER}"`);
    expect(path.basename(FRAMEWORK_RESPONSE_MODULE)).toBe('cfn-response.js');
  });

  test('the framework still skips the Delete of a failed Create, and so does the simulator', async () => {
    expect(FRAMEWORK_SKIPS_DELETE_OF_FAILED_CREATE).toBe(true);
    ws.addDirectory('d-1111111111');
    const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: ws.endpoint }) });
    const failing = synthesize((stack) => new ConnectionAlias(stack, 'Alias', { connectionString: FQDN, directoryId: 'd-9999999999' }));
    const result = await cfn.deploy(failing);
    expect(result.events.map((e) => [e.phase, e.event.RequestType, e.status, e.physicalResourceId, e.invocation === undefined])).toEqual([
      ['deploy', 'Create', 'FAILED', CREATE_FAILED_MARKER, false],
      ['rollback', 'Delete', 'SUCCESS', CREATE_FAILED_MARKER, true],
    ]);
  });
});
