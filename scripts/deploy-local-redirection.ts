// The two-Region part of `npm run deploy:local`: two stacks of one app (us-east-1 PRIMARY with a health check,
// us-west-2 SECONDARY), each deployed by its own CloudFormation simulator against the one emulated WorkSpaces;
// the DNS answer is computed from the deployed records the way Route 53 failover routing answers it.
import * as route53 from 'aws-cdk-lib/aws-route53';
import { RedirectionStack } from '../example/redirection-stack';
import { CloudFormationSimulator, emulatorEnvironment, OperationResult, recordSetsOf, resolveFailover, synthesizeApp, WorkSpacesEmulator } from '../testkit';

const ACCOUNT = '111111111111';
// Not the example stack's desktop.example.com, which it retains in this account.
const NAME = 'vdi.example.com';

function app(secondaryDirectory: string) {
  const common = { connectionString: NAME, zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' };
  return synthesizeApp((a) => [
    new RedirectionStack(a, 'DesktopEast', { ...common, env: { account: ACCOUNT, region: 'us-east-1' }, directoryId: 'd-1111111111', failover: route53.Failover.PRIMARY }),
    new RedirectionStack(a, 'DesktopWest', { ...common, env: { account: ACCOUNT, region: 'us-west-2' }, directoryId: secondaryDirectory, failover: route53.Failover.SECONDARY }),
  ]);
}

/** Runs the two-Region redirection: deploy both, answer healthy and failed over, move a directory, tear down. */
export async function showRedirection(workspaces: WorkSpacesEmulator, show: (title: string, result: OperationResult) => void): Promise<void> {
  workspaces.addDirectory('d-1111111111', { accountId: ACCOUNT, region: 'us-east-1' });
  workspaces.addDirectory('d-2222222222', { accountId: ACCOUNT, region: 'us-west-2' });
  workspaces.addDirectory('d-3333333333', { accountId: ACCOUNT, region: 'us-west-2' });
  const v1 = app('d-2222222222');
  const env = { env: emulatorEnvironment({ workspaces: workspaces.endpoint }) };
  const east = CloudFormationSimulator.forStack(v1.DesktopEast, env);
  const west = CloudFormationSimulator.forStack(v1.DesktopWest, env);
  const healthCheck = Object.keys(v1.DesktopEast.template.Resources).find((id) => v1.DesktopEast.template.Resources[id].Type === 'AWS::Route53::HealthCheck')!;
  const dns = () => {
    for (const healthy of [true, false]) {
      const answer = resolveFailover(recordSetsOf([east, west]), NAME, 'TXT', { [healthCheck]: healthy });
      const where = answer ? `${answer.values.join(' ')} (${answer.failover}, ${answer.setIdentifier})` : 'no answer';
      console.log(`  dig TXT ${NAME}, primary ${healthy ? 'healthy  ' : 'unhealthy'}: ${where}`);
    }
    for (const alias of workspaces.aliases({ accountId: ACCOUNT }).filter((a) => a.connectionString === NAME)) {
      const association = alias.associations[0];
      console.log(`    WorkSpaces ${alias.region} ${alias.aliasId} ${alias.state}; ${association ? `${association.resourceId} ConnectionIdentifier ${association.connectionIdentifier}` : 'not associated'}`);
    }
  };

  console.log('\n==== Cross-Region redirection: two Region stacks of one app, each with its own failover record');
  show('deploy DesktopEast (us-east-1, PRIMARY with a health check)', await east.deploy(v1.DesktopEast));
  show('deploy DesktopWest (us-west-2, SECONDARY)', await west.deploy(v1.DesktopWest));
  dns();
  show('move DesktopWest to directory d-3333333333, deploying only that stack', await west.deploy(app('d-3333333333').DesktopWest));
  dns();
  show('delete DesktopWest (its record goes before its alias)', await west.deleteStack());
  dns();
  show('delete DesktopEast', await east.deleteStack());
  dns();
}
