// The example app that `npx cdk synth` runs (see cdk.json). It synthesizes offline, with no AWS account.
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

const app = new App();
const stack = new Stack(app, 'CdkAliasesExample');

// A WorkSpaces connection alias for cross-Region redirection, associated with a directory and shared.
const alias = new ConnectionAlias(stack, 'DesktopAlias', {
  connectionString: 'desktop.example.com',
  directoryId: 'd-1234567890',
  sharedAccountId: '210987654321',
  removalPolicy: RemovalPolicy.RETAIN,
});
Tags.of(alias).add('team', 'euc');
Tags.of(stack).add('project', 'cdk-aliases-example');

// Amazon Connect: mail sent to help@ is delivered to support@, both addresses owned by this stack.
const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const support = new connect.CfnEmailAddress(stack, 'Support', { instanceArn, emailAddress: 'support@example.my.connect.aws' });
const help = new connect.CfnEmailAddress(stack, 'Help', { instanceArn, emailAddress: 'help@example.my.connect.aws' });
EmailAddressAlias.between(stack, 'HelpToSupport', { primary: support, alias: help });

// Addresses this stack does not own, by id.
new EmailAddressAlias(stack, 'SalesAlias', {
  instanceId: '11111111-2222-3333-4444-555555555555',
  emailAddressId: 'aaaaaaaa-0000-0000-0000-000000000001',
  aliasEmailAddressId: 'aaaaaaaa-0000-0000-0000-000000000002',
});

app.synth();
