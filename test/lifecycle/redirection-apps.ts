// The apps the redirection lifecycle tests and `npm run deploy:local` deploy: several stacks of one app, each in
// its own account and Region, against one emulated WorkSpaces.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { RedirectionStack } from '../../example/redirection-stack';
import { ConnectionAlias, ConnectionAliasAssociation } from '../../lib';
import { synthesizeApp, SynthesizedStack } from '../../testkit';

export const OWNER_ACCOUNT = '111111111111';
export const SHARED_ACCOUNT = '222222222222';
export const PRIMARY_REGION = 'us-east-1';
export const SECONDARY_REGION = 'us-west-2';
export const CONNECTION_STRING = 'desktop.example.com';

export interface TwoRegionLayout {
  readonly primaryDirectory: string;
  readonly secondaryDirectory: string;
}

/**
 * Two Region stacks of one account: each creates the alias of the same connection string (a connection string
 * is reserved per account, and that account may use it in every Region), associates it with its directory and
 * writes its own failover record; the PRIMARY has a health check.
 */
export function twoRegionApp(layout: TwoRegionLayout): { primary: SynthesizedStack; secondary: SynthesizedStack } {
  const stacks = synthesizeApp((app) => {
    const common = { connectionString: CONNECTION_STRING, zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' };
    return [
      new RedirectionStack(app, 'Primary', {
        ...common, env: { account: OWNER_ACCOUNT, region: PRIMARY_REGION }, directoryId: layout.primaryDirectory, failover: route53.Failover.PRIMARY,
      }),
      new RedirectionStack(app, 'Secondary', {
        ...common, env: { account: OWNER_ACCOUNT, region: SECONDARY_REGION }, directoryId: layout.secondaryDirectory, failover: route53.Failover.SECONDARY,
      }),
    ];
  });
  return { primary: stacks.Primary, secondary: stacks.Secondary };
}

/** Account A's stack: an alias shared with account B, associated with nothing in A. */
export function ownerApp(sharedAccountId = SHARED_ACCOUNT): SynthesizedStack {
  return synthesizeApp((app) => {
    const stack = new Stack(app, 'Owner', { env: { account: OWNER_ACCOUNT, region: PRIMARY_REGION } });
    new ConnectionAlias(stack, 'Alias', { connectionString: CONNECTION_STRING, sharedAccountId });
    return [stack];
  }).Owner;
}

/**
 * Account B's stack: the association of A's shared alias with B's directory, under construct id `id`;
 * `failingAliasDirectory` adds a ConnectionAlias 'Zfail' of B (after it in logical id order) associated with that
 * directory, to make a deployment fail after the association's request.
 */
export function sharedApp(aliasId: string, directoryId: string, id = 'Assoc', failingAliasDirectory?: string): SynthesizedStack {
  return synthesizeApp((app) => {
    const stack = new Stack(app, 'Shared', { env: { account: SHARED_ACCOUNT, region: PRIMARY_REGION } });
    const alias = ConnectionAlias.fromConnectionAliasAttributes(stack, 'SharedAlias', { aliasId, ownerAccountId: OWNER_ACCOUNT });
    new ConnectionAliasAssociation(stack, id, { alias, directoryId, removalPolicy: RemovalPolicy.DESTROY });
    if (failingAliasDirectory) {
      new ConnectionAlias(stack, 'Zfail', { connectionString: 'other.example.net', directoryId: failingAliasDirectory });
    }
    return [stack];
  }).Shared;
}

/** The logical id of the only resource of `type` in a stack. */
export function logicalIdOf(stack: SynthesizedStack, type: string): string {
  const ids = Object.keys(stack.template.Resources).filter((id) => stack.template.Resources[id].Type === type);
  if (ids.length !== 1) throw new Error(`${stack.stackName} holds ${ids.length} resources of type ${type}`);
  return ids[0];
}
