// The smaller test tools: the Lambda runner, the CloudFormation event builders and the virtual clock.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backoffGivesUpAfter, backoffSleeps, createEvent, deleteEvent, eventBuilders, invoke, parseStackArn, stackArn, startLambdaProcess, updateEvent, VirtualClock } from '../../testkit';

describe('Lambda runner', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testkit-runner-'));
    fs.writeFileSync(path.join(dir, 'echo.js'), `
      let invocations = 0;
      exports.handler = async (event, context) => {
        console.log('handling', event.n);
        if (event.fail) throw new Error('asked to fail');
        if (event.hang) await new Promise(() => setInterval(() => {}, 1000));
        return { PhysicalResourceId: 'p' + event.n, Data: { region: process.env.AWS_REGION, invocations: String(++invocations), left: String(context.getRemainingTimeInMillis() > 0) } };
      };`);
    fs.writeFileSync(path.join(dir, 'broken.js'), 'throw new Error("init failed");');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('one process: a cold start report, then one result per event, with only the given environment', async () => {
    const lambda = startLambdaProcess(path.join(dir, 'echo.js'), { AWS_REGION: 'eu-west-1' });
    const loaded = await lambda.loaded;
    expect(loaded.type).toBe('loaded');
    expect(loaded.loadMs).toBeGreaterThan(0);
    const first = await lambda.send({ n: 1 });
    const second = await lambda.send({ n: 2, fail: true });
    const third = await lambda.send({ n: 3 });
    await lambda.close();
    expect(first).toMatchObject({ type: 'result', ok: true, response: { PhysicalResourceId: 'p1', Data: { region: 'eu-west-1', invocations: '1', left: 'true' } } });
    expect(second).toMatchObject({ ok: false, errorMessage: 'asked to fail' });
    expect(third).toMatchObject({ ok: true, response: { Data: { invocations: '2' } } });
    expect(lambda.logs()).toContain('handling 3');
  });

  test('invoke: a fresh process per invocation, killed at its timeout as Lambda would', async () => {
    const bundle = { modulePath: path.join(dir, 'echo.js'), timeoutMs: 1_500 };
    const ok = await invoke(bundle, { n: 1 }, { env: {} });
    expect(ok).toMatchObject({ killed: false, outcome: { ok: true, response: { PhysicalResourceId: 'p1' } } });
    const hung = await invoke(bundle, { n: 2, hang: true }, { env: {} });
    expect(hung).toMatchObject({ killed: true, outcome: { ok: false, errorMessage: 'Task timed out after 1.50 seconds' } });
    expect(hung.durationMs).toBeGreaterThanOrEqual(1_500);
  });

  test('invoke: an init error fails the invocation with its message', async () => {
    const broken = await invoke({ modulePath: path.join(dir, 'broken.js'), timeoutMs: 5_000 }, {}, { env: {} });
    expect(broken).toMatchObject({ killed: false, outcome: { ok: false, errorMessage: 'init failed' } });
  });
});

describe('CloudFormation event builders', () => {
  const identity = { ServiceToken: 'arn:aws:lambda:eu-west-1:222222222222:function:fw', StackId: stackArn('S', { accountId: '222222222222', region: 'eu-west-1' }, 'u-1'), LogicalResourceId: 'Alias', ResourceType: 'Custom::X' };

  test('Create, Update and Delete carry the ServiceToken among the properties and a response URL in the stack\'s Region', () => {
    const created = createEvent(identity, { A: '1' }, 'r1');
    expect(created).toMatchObject({ RequestType: 'Create', RequestId: 'r1', StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/S/u-1', ResourceProperties: { ServiceToken: identity.ServiceToken, A: '1' } });
    expect(created.ResponseURL).toMatch(/^https:\/\/cloudformation-custom-resource-response-euwest1\.s3\.amazonaws\.com\//);
    expect(updateEvent(identity, { A: '2' }, { A: '1' }, 'phys')).toMatchObject({ RequestType: 'Update', PhysicalResourceId: 'phys', OldResourceProperties: { A: '1' }, ResourceProperties: { A: '2' } });
    expect(deleteEvent(identity, 'phys', { A: '2' })).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: 'phys' });
    expect(parseStackArn(identity.StackId)).toEqual({ accountId: '222222222222', region: 'eu-west-1', stackName: 'S' });
  });

  test('bound builders name their requests for unit tests', () => {
    const { createEvent: create, updateEvent: update, deleteEvent: remove } = eventBuilders(identity);
    expect([create({}).RequestId, update({}, {}, 'p').RequestId, remove('p', {}).RequestId]).toEqual(['req-create', 'req-update', 'req-delete']);
  });
});

describe('virtual clock', () => {
  const clock = new VirtualClock();
  afterEach(() => jest.restoreAllMocks());

  test('Date.now() reads it and the mocked sleep advances it at once', async () => {
    const sleep = jest.fn<Promise<void>, [number]>();
    clock.install(sleep);
    const started = Date.now();
    await sleep(1_000);
    await sleep(250);
    expect(Date.now() - started).toBe(1_250);
    expect(clock.elapsedMs()).toBe(1_250);
    expect(clock.sleeps).toEqual([1_000, 250]);
    clock.install(sleep);
    expect(clock.elapsedMs()).toBe(0);
  });

  test('the backoff schedule a handler follows, and when it gives up', () => {
    const backoff = { initialDelayMs: 250, maxDelayMs: 2_000, factor: 2 };
    expect(backoffSleeps(backoff, 6)).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
    expect(backoffGivesUpAfter(backoff, 4_000)).toBe(3_750);
  });
});
