// Integration test of EmailAddressAlias, run by integ-runner (see scripts/integ.sh and the README's
// "Integration tests"). CI only synthesizes it and compares the result with the committed snapshot
// (test/integ.email-address-alias.snapshot/). Deploying it for real needs an Amazon Connect instance with email
// enabled and two of its email addresses, neither having an alias yet:
//
//   CDK_ALIASES_INTEG_CONNECT_INSTANCE_ID        the instance id (or ARN)
//   CDK_ALIASES_INTEG_PRIMARY_EMAIL_ADDRESS_ID   the primary address: mail to the alias is delivered here
//   CDK_ALIASES_INTEG_ALIAS_EMAIL_ADDRESS_ID     the alias address
//
// The snapshot is written with placeholders. The addresses are not changed otherwise; the alias is
// disassociated when the test stack is destroyed.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { EmailAddressAlias } from '../lib';

const instanceId = process.env.CDK_ALIASES_INTEG_CONNECT_INSTANCE_ID || '11111111-2222-3333-4444-555555555555';
const primaryId = process.env.CDK_ALIASES_INTEG_PRIMARY_EMAIL_ADDRESS_ID || 'aaaaaaaa-0000-0000-0000-000000000001';
const aliasId = process.env.CDK_ALIASES_INTEG_ALIAS_EMAIL_ADDRESS_ID || 'aaaaaaaa-0000-0000-0000-000000000002';

// No construct creation stacks (this machine's absolute paths) in the snapshot's metadata.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'CdkAliasesIntegEmailAddressAlias');

const alias = new EmailAddressAlias(stack, 'Alias', {
  instanceId,
  emailAddressId: primaryId,
  aliasEmailAddressId: aliasId,
});

const integ = new IntegTest(app, 'EmailAddressAliasInteg', {
  testCases: [stack],
  // The committed snapshot names placeholder addresses, so deploying it first (the default update workflow)
  // cannot succeed in a real account.
  stackUpdateWorkflow: false,
});

// Connect reports the alias on the primary address. The call's parameters are the construct's attributes (so it
// runs after the association is made); the expectation uses the ids given above.
integ.assertions
  .awsApiCall('Connect', 'describeEmailAddress', { InstanceId: alias.instanceId, EmailAddressId: alias.emailAddressId })
  .expect(ExpectedResult.objectLike({
    EmailAddressId: idOf(primaryId),
    AliasConfigurations: [{ EmailAddressId: idOf(aliasId) }],
  }));

app.synth();

/** Connect's API answers with ids; the variables may hold ARNs (`…/email-address/<id>`). */
function idOf(value: string): string {
  return value.startsWith('arn:') ? value.split('/').pop()! : value;
}
