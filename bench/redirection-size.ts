// Template bytes and resources that a RedirectionRecord and a ConnectionAliasAssociation add to a stack:
//   npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json bench/redirection-size.ts
// Bytes are JSON.stringify of the synthesized template (no whitespace), as in bench/synth-sample.ts. Each
// figure is the difference between two stacks that differ only in the constructs measured.
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ConnectionAlias, ConnectionAliasAssociation, RedirectionRecord } from '../lib';

interface Layout {
  /** ConnectionAlias constructs with a directory. */
  readonly aliases: number;
  /** RedirectionRecord constructs, one per alias (SECONDARY, so no health check is counted). */
  readonly records: number;
  /** ConnectionAliasAssociation constructs, each of another shared alias and directory. */
  readonly associations: number;
}

interface Size {
  readonly bytes: number;
  readonly resources: number;
  readonly functions: number;
  readonly roles: number;
}

function synth(layout: Layout): Size {
  const app = new App();
  const stack = new Stack(app, 'Desktops', { env: { account: '222222222222', region: 'us-east-1' } });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
  for (let i = 0; i < layout.aliases; i++) {
    const alias = new ConnectionAlias(stack, `Alias${i}`, { connectionString: `desktop${i}.example.com`, directoryId: `d-${String(i).padStart(10, '1')}` });
    if (i < layout.records) {
      new RedirectionRecord(stack, `Dns${i}`, { alias, zone, failover: route53.Failover.SECONDARY });
    }
  }
  for (let i = 0; i < layout.associations; i++) {
    const shared = ConnectionAlias.fromConnectionAliasAttributes(stack, `Shared${i}`, {
      aliasId: `wsca-shared${String(i).padStart(5, '0')}`, ownerAccountId: '111111111111',
    });
    new ConnectionAliasAssociation(stack, `Assoc${i}`, { alias: shared, directoryId: `d-${String(i).padStart(10, '2')}` });
  }
  const template = app.synth().getStackByName('Desktops').template;
  const resources = Object.values<{ Type: string }>(template.Resources ?? {});
  return {
    bytes: JSON.stringify(template).length,
    resources: resources.length,
    functions: resources.filter((r) => r.Type === 'AWS::Lambda::Function').length,
    roles: resources.filter((r) => r.Type === 'AWS::IAM::Role').length,
  };
}

function added(label: string, from: Layout, to: Layout, count: number): void {
  const a = synth(from);
  const b = synth(to);
  const per = (x: number) => (x / count).toFixed(count === 1 ? 0 : 1);
  console.log(
    `${label.padEnd(62)} bytes ${per(b.bytes - a.bytes).padStart(6)}  resources ${per(b.resources - a.resources)}  ` +
    `functions ${per(b.functions - a.functions)}  roles ${per(b.roles - a.roles)}`,
  );
}

const none = { aliases: 0, records: 0, associations: 0 };
console.log('Per added construct (difference between two synthesized stacks):');
added('RedirectionRecord (1st, stack has 1 ConnectionAlias)', { ...none, aliases: 1 }, { ...none, aliases: 1, records: 1 }, 1);
added('RedirectionRecord (average of 10, 10 aliases)', { ...none, aliases: 10 }, { ...none, aliases: 10, records: 10 }, 10);
added('ConnectionAliasAssociation (1st, stack has a ConnectionAlias)', { ...none, aliases: 1 }, { ...none, aliases: 1, associations: 1 }, 1);
added('ConnectionAliasAssociation (average of 10, stack has a ConnectionAlias)', { ...none, aliases: 1 }, { ...none, aliases: 1, associations: 10 }, 10);
added('ConnectionAliasAssociation (1st, in a stack with no ConnectionAlias)', none, { ...none, associations: 1 }, 1);
