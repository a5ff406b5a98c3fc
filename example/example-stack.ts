import { RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

/** Variations of the example, so `npm run deploy:local` can show an update. */
export interface ExampleStackProps extends StackProps {
  /** @default 'd-1234567890' */
  readonly directoryId?: string;
  /** The alias of the sales address. @default 'aaaaaaaa-0000-0000-0000-000000000002' */
  readonly salesAliasEmailAddressId?: string;
}

/** The example stack: both constructs as a user would write them. */
export class ExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
    super(scope, id, props);

    // A WorkSpaces connection alias for cross-Region redirection, associated with a directory and shared.
    const alias = new ConnectionAlias(this, 'DesktopAlias', {
      connectionString: 'desktop.example.com',
      directoryId: props.directoryId ?? 'd-1234567890',
      sharedAccountId: '210987654321',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Tags.of(alias).add('team', 'euc');

    // Amazon Connect: mail sent to help@ is delivered to support@, both addresses owned by this stack.
    const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
    const support = new connect.CfnEmailAddress(this, 'Support', { instanceArn, emailAddress: 'support@example.my.connect.aws' });
    const help = new connect.CfnEmailAddress(this, 'Help', { instanceArn, emailAddress: 'help@example.my.connect.aws' });
    EmailAddressAlias.between(this, 'HelpToSupport', { primary: support, alias: help });

    // Addresses this stack does not own, by id.
    new EmailAddressAlias(this, 'SalesAlias', {
      instanceId: '11111111-2222-3333-4444-555555555555',
      emailAddressId: 'aaaaaaaa-0000-0000-0000-000000000001',
      aliasEmailAddressId: props.salesAliasEmailAddressId ?? 'aaaaaaaa-0000-0000-0000-000000000002',
    });
  }
}
