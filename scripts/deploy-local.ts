// npm run deploy:local — watch the example app's custom resources work without an AWS account.
// The example stack is synthesized; its bundled handlers run as Lambda would run them, against local
// emulated WorkSpaces and Connect endpoints, through CloudFormation's create → update → delete. Every
// CloudFormation event is printed with its outcome, and the emulated account's state after each step.
import { ConnectEmulator, WorkSpacesEmulator } from '../testkit';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, synthesizeStack } from '../testkit';
import { ExampleStack, ExampleStackProps } from '../example/example-stack';
import { showRedirection } from './deploy-local-redirection';

const INSTANCE = '11111111-2222-3333-4444-555555555555';

function show(title: string, result: OperationResult): void {
  console.log(`\n== ${title}: ${result.status}`);
  for (const e of result.events) {
    const took = e.invocation ? `${(e.invocation.durationMs / 1000).toFixed(1)} s` : 'not invoked';
    console.log(`  ${e.phase.padEnd(12)} ${e.event.RequestType.padEnd(6)} ${e.event.LogicalResourceId.padEnd(28)} ${e.status.padEnd(7)} ${e.physicalResourceId} (${took})`);
    if (e.reason) {
      console.log(`               reason: ${e.reason}`);
    }
  }
  if (result.events.length === 0) {
    console.log('  (no custom resource requests)');
  }
}

/** Email address by id, to label Connect's ids with the addresses people know. */
const addresses = new Map<string, string>();
/** The ConnectionIdentifier each alias had at the last look: a change means the DNS TXT record must follow. */
const identifiers = new Map<string, string>();

function state(workspaces: WorkSpacesEmulator, connect: ConnectEmulator): void {
  console.log('  state:');
  for (const alias of workspaces.aliases()) {
    const associations = alias.associations.map((a) => `${a.resourceId} ${a.associationStatus} (ConnectionIdentifier ${a.connectionIdentifier})`).join(', ') || 'not associated';
    const tags = Object.fromEntries(Object.entries(alias.tags).filter(([key]) => !key.startsWith('cdk-aliases:')));
    console.log(`    WorkSpaces ${alias.aliasId} ${alias.connectionString} ${alias.state}; ${associations}; shared with ${alias.sharedWith.join(', ') || 'nobody'}; tags ${JSON.stringify(tags)}`);
    const identifier = alias.associations[0]?.connectionIdentifier;
    const before = identifiers.get(alias.aliasId);
    if (identifier && before && identifier !== before) {
      console.log(`      ConnectionIdentifier changed ${before} → ${identifier}: the DNS TXT record for ${alias.connectionString} must follow`);
    }
    if (identifier) identifiers.set(alias.aliasId, identifier);
  }
  const label = (id: string) => `${addresses.get(id) ?? '?'} (${id})`;
  for (const link of connect.associations()) {
    console.log(`    Connect    alias ${label(link.aliasEmailAddressId)} → primary ${label(link.emailAddressId)}: mail to the alias reaches the primary`);
  }
  if (workspaces.aliases().length + connect.associations().length === 0) {
    console.log('    (nothing)');
  }
}

async function main(): Promise<void> {
  const workspaces = await WorkSpacesEmulator.start({ createDelayMs: 500, deleteDelayMs: 500, associateDelayMs: 500, disassociateDelayMs: 500 });
  const connect = await ConnectEmulator.start();
  connect.addInstance(INSTANCE);
  const add = (address: string, id?: string) => {
    const added = connect.addEmailAddress(INSTANCE, address, id);
    addresses.set(added, address);
    return added;
  };
  const support = add('support@example.my.connect.aws');
  const help = add('help@example.my.connect.aws');
  for (const n of [1, 2, 3]) {
    add(`sales${n}@example.my.connect.aws`, `aaaaaaaa-0000-0000-0000-00000000000${n}`);
  }
  const example = (props: ExampleStackProps) => synthesizeStack((app) => new ExampleStack(app, 'CdkAliasesExample', props));
  const v1 = example({});
  // The CfnEmailAddress resources are native: the emulator stands in for what CloudFormation would create.
  const attributes: Record<string, Record<string, string>> = {};
  for (const [logicalId, resource] of Object.entries(v1.template.Resources)) {
    if (resource.Type === 'AWS::Connect::EmailAddress') {
      const id = resource.Properties?.EmailAddress.startsWith('support') ? support : help;
      attributes[logicalId] = { EmailAddressArn: connect.emailAddressArn(INSTANCE, id) };
    }
  }
  const cfn = new CloudFormationSimulator({ env: emulatorEnvironment({ workspaces: workspaces.endpoint, connect: connect.endpoint }), attributes, concurrency: 4 });

  try {
    console.log(`Emulated WorkSpaces at ${workspaces.endpoint}, Connect at ${connect.endpoint}`);
    show('create the stack', await cfn.deploy(v1));
    state(workspaces, connect);
    show('update: move the alias to directory d-2222222222, give sales another alias', await cfn.deploy(example({
      directoryId: 'd-2222222222',
      salesAliasEmailAddressId: 'aaaaaaaa-0000-0000-0000-000000000003',
    })));
    state(workspaces, connect);
    show('delete the stack (the connection alias has RemovalPolicy.RETAIN)', await cfn.deleteStack());
    state(workspaces, connect);
    await showRedirection(workspaces, show);
  } finally {
    await Promise.all([workspaces.stop(), connect.stop()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
