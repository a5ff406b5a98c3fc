// Addresses given as email addresses are resolved at deploy time (SearchEmailAddresses), and an instance move
// deploys in one pass under the IAM policy in force at each call: the real bundled handler against the
// emulated instances, with IAM (testkit/iam) standing in front of the emulator.
import { ConnectClient, UntagResourceCommand } from '@aws-sdk/client-connect';
import { Stack } from 'aws-cdk-lib';
import { EmailAddressAlias, EmailAddressAliasProps } from '../../lib';
import {
  CloudFormationSimulator,
  ConnectEmulator,
  connectAuthorizations,
  emulatorEnvironment,
  PolicyTimeline,
  synthesize,
  SynthesizedStack,
} from '../../testkit';
import { IAM_PROPAGATION_GRACE_MS } from '../../lambda/shared/time-budget';

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

function aliasStack(props: EmailAddressAliasProps): SynthesizedStack {
  return synthesize((stack: Stack) => new EmailAddressAlias(stack, 'Alias', props));
}

const marksOf = (inst: string, id: string) => Object.keys(emulator.tagsOf(inst, id)).filter((key) => key.startsWith('cdk-aliases:'));

/** IAM in front of the emulator: each call is allowed or denied by the policy of the stack version in force. */
function enforceIam(): PolicyTimeline {
  const timeline = new PolicyTimeline({ stackName: cfn.stackName, accountId: cfn.accountId, region: cfn.region }, 'EmailAddressAliasProviderHandler');
  emulator.faults = timeline.enforce(connectAuthorizations, (arn) => {
    const match = /instance\/([^/]+)\/email-address\/([^/]+)$/.exec(arn);
    try {
      return match ? emulator.tagsOf(match[1], match[2]) : undefined;
    } catch {
      return undefined;
    }
  });
  return timeline;
}

/** Deploys `stack` with its policy enacted first, as CloudFormation updates the role policy before the custom resource. */
async function deployUnder(timeline: PolicyTimeline, stack: SynthesizedStack, propagationDelayMs = 0) {
  timeline.enact(stack, { propagationDelayMs });
  return cfn.deploy(stack);
}

test('by address: resolved ids are the attributes and the physical id; API calls counted', async () => {
  // Many other addresses, and the alias written in other case: the search is exact, the comparison ignores case.
  for (let i = 0; i < 120; i++) emulator.addEmailAddress(instance, `agent${i}@example.com`);

  const created = await cfn.deploy(aliasStack({ instanceId: instance, emailAddress: 'support@example.com', aliasEmailAddress: 'Help@Example.com' }));

  expect(created.status).toBe('CREATE_COMPLETE');
  expect(created.events[0].data).toEqual({ InstanceId: instance, EmailAddressId: a, AliasEmailAddressId: b });
  expect(created.events[0].physicalResourceId).toBe(`${instance}/${a}/${b}`);
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
  const searches = emulator.callsOf('SearchEmailAddresses');
  expect(searches.map((s) => s.input.SearchCriteria.StringCondition)).toEqual([
    { FieldName: 'EmailAddress', Value: 'support@example.com', ComparisonType: 'EXACT' },
    { FieldName: 'EmailAddress', Value: 'Help@Example.com', ComparisonType: 'EXACT' },
  ]);
  process.stdout.write(`API calls of a by-address EmailAddressAlias create: ${emulator.calls.length} (${emulator.calls.map((call) => call.operation).join(', ')})\n`);

  // Deleting works from the physical id and never searches.
  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.callsOf('SearchEmailAddresses')).toHaveLength(2);
  expect(emulator.associations()).toEqual([]);
  expect(marksOf(instance, a)).toEqual([]);
});

test('an address not in the instance fails naming the address and the instance, and changes nothing', async () => {
  const result = await cfn.deploy(aliasStack({ instanceId: instance, emailAddress: 'support@example.com', aliasEmailAddress: 'nobody@example.com' }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events[0].reason).toContain(`Email address nobody@example.com was not found in Amazon Connect instance ${instance}`);
  expect(emulator.associations()).toEqual([]);
  expect(emulator.calls.map((call) => call.operation)).toEqual(['SearchEmailAddresses', 'SearchEmailAddresses']);
});

test('changing an address moves the association; the old alias loses its marks, the kept primary keeps them', async () => {
  await cfn.deploy(aliasStack({ instanceId: instance, emailAddress: 'support@example.com', aliasEmailAddress: 'help@example.com' }));

  const moved = await cfn.deploy(aliasStack({ instanceId: instance, emailAddress: 'support@example.com', aliasEmailAddress: 'contact@example.com' }));

  expect(moved.status).toBe('UPDATE_COMPLETE');
  expect(moved.events.map((e) => [e.phase, e.event.RequestType, e.status])).toEqual([['deploy', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS']]);
  expect(moved.events[0].data).toEqual({ InstanceId: instance, EmailAddressId: a, AliasEmailAddressId: c });
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: c }]);
  expect(marksOf(instance, b)).toEqual([]);
  expect(emulator.tagsOf(instance, a)['cdk-aliases:pair']).toBe(`${a}/${c}`);
  expect(emulator.tagsOf(instance, c)['cdk-aliases:pair']).toBe(`${a}/${c}`);
});

test('an Update that only changes ServiceTimeout (a library upgrade) checks the pair and marks it, with no lookup and no change to it', async () => {
  const stack = aliasStack({ instanceId: instance, emailAddress: 'support@example.com', aliasEmailAddress: 'help@example.com' });
  // The stack as an older library version deployed it: no ServiceTimeout, and a pair without marks.
  const [logicalId] = Object.keys(stack.handlers);
  const { ServiceTimeout: _timeout, ...older } = stack.template.Resources[logicalId].Properties!;
  await cfn.deploy({ ...stack, template: { Resources: { ...stack.template.Resources, [logicalId]: { ...stack.template.Resources[logicalId], Properties: older } } } });
  const client = new ConnectClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  for (const id of [a, b]) {
    await client.send(new UntagResourceCommand({ resourceArn: emulator.emailAddressArn(instance, id), tagKeys: marksOf(instance, id) }));
  }
  const before = emulator.calls.length;

  const upgraded = await cfn.deploy(stack);

  expect(upgraded.status).toBe('UPDATE_COMPLETE');
  expect(upgraded.events.map((e) => e.event.RequestType)).toEqual(['Update']);
  const calls = emulator.calls.slice(before).map((call) => call.operation);
  expect(calls).not.toContain('SearchEmailAddresses');
  expect(calls).not.toContain('AssociateEmailAddressAlias');
  expect(calls).not.toContain('DisassociateEmailAddressAlias');
  expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
  // Marked now, so that the role (which may disassociate only marked addresses) can remove it later.
  expect(marksOf(instance, a).sort()).toEqual(['cdk-aliases:owner', 'cdk-aliases:pair', 'cdk-aliases:stack']);
  expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
  expect(emulator.associations()).toEqual([]);
});

describe('an instance move, under the IAM policy in force at each call', () => {
  let other: string;
  let a2: string;
  let b2: string;

  beforeEach(() => {
    other = emulator.addInstance();
    a2 = emulator.addEmailAddress(other, 'support@example.org');
    b2 = emulator.addEmailAddress(other, 'help@example.org');
  });

  test('deploys in one pass: every call allowed, the old pair released, the new one made', async () => {
    const timeline = enforceIam();
    expect((await deployUnder(timeline, aliasStack({ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }))).status).toBe('CREATE_COMPLETE');

    const moveStart = emulator.calls.length;
    const moved = await deployUnder(timeline, aliasStack({ instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 }));

    expect(moved.status).toBe('UPDATE_COMPLETE');
    expect(emulator.associations()).toEqual([{ instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 }]);
    expect(marksOf(instance, a)).toEqual([]);
    expect(marksOf(instance, b)).toEqual([]);
    expect(emulator.calls.filter((call) => call.outcome === 'AccessDeniedException')).toEqual([]);
    // The same log, evaluated afterwards with the tags each resource carried at the time of its call.
    const evaluated = await timeline.evaluate(emulator.calls, connectAuthorizations);
    expect(evaluated.filter((e) => e.decision !== 'Allowed')).toEqual([]);
    // The old instance's addresses were reached only through the marks: the new policy names the new instance only.
    const moveCalls = new Set(emulator.calls.slice(moveStart));
    expect(evaluated.filter((e) => moveCalls.has(e.call as never) && e.authorization.resource.includes(`instance/${instance}/`)).map((e) => e.authorization.action))
      .toEqual(expect.arrayContaining(['connect:DescribeEmailAddress', 'connect:DisassociateEmailAddressAlias', 'connect:UntagResource']));

    expect((await cfn.deleteStack()).status).toBe('DELETE_COMPLETE');
    expect(emulator.associations()).toEqual([]);
  });

  test('a move rolled back by a later failure associates the old pair again, under the new policy still in force', async () => {
    const timeline = enforceIam();
    await deployUnder(timeline, aliasStack({ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }));

    // 'Zfail' (after 'Alias') names an address the new instance does not have. CloudFormation rolls the custom
    // resources back before the policy, so the rollback runs under the policy that names only the new instance.
    const result = await deployUnder(timeline, synthesize((stack: Stack) => {
      new EmailAddressAlias(stack, 'Alias', { instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 });
      new EmailAddressAlias(stack, 'Zfail', { instanceId: other, emailAddressId: 'ffffffff-0000-0000-0000-000000000000', aliasEmailAddressId: b });
    }));

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(emulator.calls.filter((call) => call.outcome === 'AccessDeniedException')).toEqual([]);
    expect(emulator.associations()).toEqual([{ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }]);
    expect(marksOf(other, a2)).toEqual([]);
    expect(marksOf(other, b2)).toEqual([]);
  });

  test('survives a grant that takes seconds to propagate', async () => {
    const timeline = enforceIam();
    await deployUnder(timeline, aliasStack({ instanceId: instance, emailAddressId: a, aliasEmailAddressId: b }));

    const moved = await deployUnder(timeline, aliasStack({ instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 }), 3_000);

    expect(moved.status).toBe('UPDATE_COMPLETE');
    expect(emulator.calls.filter((call) => call.outcome === 'AccessDeniedException').length).toBeGreaterThan(0);
    expect(emulator.associations()).toEqual([{ instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 }]);
    expect(marksOf(instance, a)).toEqual([]);
  });

  test('a real denial fails within the propagation grace, with IAM\'s message', async () => {
    const timeline = enforceIam();
    // A grant that never arrives.
    const started = Date.now();
    const result = await deployUnder(timeline, aliasStack({ instanceId: other, emailAddressId: a2, aliasEmailAddressId: b2 }), Infinity);

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events[0].reason).toMatch(/AccessDeniedException: .*not authorized to perform: connect:DescribeEmailAddress/);
    expect(Date.now() - started).toBeLessThan(IAM_PROPAGATION_GRACE_MS + 5_000);
    expect(emulator.associations()).toEqual([]);
  }, 30_000);
});
