// Integration test of ConnectionAlias, run by integ-runner (see scripts/integ.sh and the README's
// "Integration tests"). CI only synthesizes it and compares the result with the committed snapshot
// (test/integ.connection-alias.snapshot/). Deploying it for real needs an AWS account and these variables:
//
//   CDK_ALIASES_INTEG_CONNECTION_STRING  a name under a domain you own (a connection string stays reserved for
//                                        the account that first created it); default desktop.integ.cdk-aliases.example.com
//   CDK_ALIASES_INTEG_DIRECTORY_ID       optional: a registered WorkSpaces directory of the account and Region to
//                                        associate the alias with; without it the alias is not associated
//   CDK_ALIASES_INTEG_SHARED_ACCOUNT_ID  optional: another account to share the alias with
//
// The snapshot is written with none of them set.
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias } from '../lib';

const connectionString = process.env.CDK_ALIASES_INTEG_CONNECTION_STRING || 'desktop.integ.cdk-aliases.example.com';
const directoryId = process.env.CDK_ALIASES_INTEG_DIRECTORY_ID || undefined;
const sharedAccountId = process.env.CDK_ALIASES_INTEG_SHARED_ACCOUNT_ID || undefined;

// No construct creation stacks (this machine's absolute paths) in the snapshot's metadata.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'CdkAliasesIntegConnectionAlias');

const alias = new ConnectionAlias(stack, 'Alias', { connectionString, directoryId, sharedAccountId });
Tags.of(alias).add('purpose', 'cdk-aliases-integ');

const integ = new IntegTest(app, 'ConnectionAliasInteg', {
  testCases: [stack],
  // The committed snapshot is synthesized without an account's directory, so deploying it first (the default
  // update workflow) would test a different stack; and its create would collide with the new one's string.
  stackUpdateWorkflow: false,
});

// The alias exists, is usable and has the declared connection string; when a directory is given, the
// association is established and its identifier is the one the construct exposes.
integ.assertions
  .awsApiCall('WorkSpaces', 'describeConnectionAliases', { AliasIds: [alias.aliasId] })
  .expect(ExpectedResult.objectLike({
    ConnectionAliases: [
      Match.objectLike({
        AliasId: alias.aliasId,
        ConnectionString: connectionString,
        State: 'CREATED',
        ...(directoryId
          ? {
            Associations: [
              Match.objectLike({
                ResourceId: directoryId,
                AssociationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT',
                ConnectionIdentifier: alias.connectionIdentifier,
              }),
            ],
          }
          : {}),
      }),
    ],
  }));

// Tags reach the alias.
integ.assertions
  .awsApiCall('WorkSpaces', 'describeTags', { ResourceId: alias.aliasId })
  .expect(ExpectedResult.objectLike({
    TagList: Match.arrayWith([{ Key: 'purpose', Value: 'cdk-aliases-integ' }]),
  }));

// When a shared account is given, it may associate the alias.
if (sharedAccountId) {
  integ.assertions
    .awsApiCall('WorkSpaces', 'describeConnectionAliasPermissions', { AliasId: alias.aliasId })
    .expect(ExpectedResult.objectLike({
      ConnectionAliasPermissions: [{ SharedAccountId: sharedAccountId, AllowAssociation: true }],
    }));
}

app.synth();
