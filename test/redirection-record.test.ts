import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ConnectionAlias, ConnectionAliasAssociation, RedirectionRecord } from '../lib';

const ACCOUNT = '111111111111';
let app: App;
let east: Stack;
beforeEach(() => {
  app = new App();
  east = regionStack('East', 'us-east-1');
});

function regionStack(id: string, region: string, account = ACCOUNT): Stack {
  return new Stack(app, id, { env: { account, region } });
}

function zoneIn(stack: Stack, zoneName = 'example.com', hostedZoneId = 'Z0123456789ABC'): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName });
}

function healthCheckIn(stack: Stack): route53.HealthCheck {
  return new route53.HealthCheck(stack, 'Health', {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { name: 'workspaces-primary', region: stack.region },
    insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
  });
}

/** A ConnectionAlias associated with `directoryId` (`null`: not associated). */
function aliasIn(stack: Stack, connectionString = 'desktop.example.com', directoryId: string | null = 'd-1234567890'): ConnectionAlias {
  return new ConnectionAlias(stack, 'Alias', { connectionString, directoryId: directoryId ?? undefined });
}

const records = (stack: Stack) => Object.entries<any>(Template.fromStack(stack).findResources('AWS::Route53::RecordSet'));
const logicalIdOf = (stack: Stack, type: string) => Object.keys(Template.fromStack(stack).findResources(type))[0];

describe('the record', () => {
  test('PRIMARY: one TXT record named the connection string, valued the quoted ConnectionIdentifier, with the health check', () => {
    const alias = aliasIn(east);
    const healthCheck = healthCheckIn(east);
    new RedirectionRecord(east, 'Dns', { alias, zone: zoneIn(east), failover: route53.Failover.PRIMARY, healthCheck });

    const [[, record]] = records(east);
    expect(records(east)).toHaveLength(1);
    expect(record.Properties).toEqual({
      HostedZoneId: 'Z0123456789ABC',
      Name: 'desktop.example.com.',
      Type: 'TXT',
      Failover: 'PRIMARY',
      SetIdentifier: 'us-east-1',
      HealthCheckId: { Ref: logicalIdOf(east, 'AWS::Route53::HealthCheck') },
      // Route 53 wants each TXT string in double quotes.
      ResourceRecords: [{ 'Fn::Join': ['', ['"', { 'Fn::GetAtt': [logicalIdOf(east, 'Custom::WorkSpacesConnectionAlias'), 'ConnectionIdentifier'] }, '"']] }],
      TTL: '60',
    });
  });

  test('SECONDARY without a health check; ttl and setIdentifier as given', () => {
    const west = regionStack('West', 'us-west-2');
    new RedirectionRecord(west, 'Dns', {
      alias: aliasIn(west), zone: zoneIn(west), failover: route53.Failover.SECONDARY, ttl: Duration.minutes(5), setIdentifier: 'failover',
    });

    const [[, record]] = records(west);
    expect(record.Properties).toMatchObject({ Failover: 'SECONDARY', SetIdentifier: 'failover', TTL: '300', Name: 'desktop.example.com.' });
    expect(record.Properties.HealthCheckId).toBeUndefined();
  });

  test('the stack is deleted record first: the record refers to its alias, so CloudFormation deletes it before the alias', () => {
    const alias = aliasIn(east);
    const record = new RedirectionRecord(east, 'Dns', { alias, zone: zoneIn(east), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(east) });

    // CloudFormation deletes in the reverse order of references: a resource before the ones it refers to.
    const [[, recordSet]] = records(east);
    const aliasId = logicalIdOf(east, 'Custom::WorkSpacesConnectionAlias');
    expect(JSON.stringify(recordSet.Properties.ResourceRecords)).toContain(`{"Fn::GetAtt":["${aliasId}","ConnectionIdentifier"]}`);
    // ...and nothing makes the alias wait for the record.
    const aliasResource = Template.fromStack(east).toJSON().Resources[aliasId];
    expect(JSON.stringify(aliasResource)).not.toContain(east.getLogicalId(record.node.findChild('Resource').node.defaultChild as any));
  });

  test('for a ConnectionAliasAssociation, the record is named the imported alias\'s connection string', () => {
    const b = regionStack('B', 'us-east-1', '222222222222');
    const shared = ConnectionAlias.fromConnectionAliasAttributes(b, 'Shared', {
      aliasId: 'wsca-abcdefgh12', ownerAccountId: ACCOUNT, connectionString: 'desktop.example.com',
    });
    const association = new ConnectionAliasAssociation(b, 'Assoc', { alias: shared, directoryId: 'd-2222222222' });
    new RedirectionRecord(b, 'Dns', { alias: association, zone: zoneIn(b), failover: route53.Failover.SECONDARY });

    const [[, record]] = records(b);
    expect(record.Properties.Name).toBe('desktop.example.com.');
    expect(record.Properties.ResourceRecords).toEqual([
      { 'Fn::Join': ['', ['"', { 'Fn::GetAtt': [logicalIdOf(b, 'Custom::WorkSpacesConnectionAliasAssociation'), 'ConnectionIdentifier'] }, '"']] },
    ]);
  });

  test('without a declared connection string, the record is named the one WorkSpaces reports', () => {
    const shared = ConnectionAlias.fromConnectionAliasId(east, 'Shared', 'wsca-abcdefgh12');
    const association = new ConnectionAliasAssociation(east, 'Assoc', { alias: shared, directoryId: 'd-2222222222' });
    new RedirectionRecord(east, 'Dns', { alias: association, zone: zoneIn(east), failover: route53.Failover.SECONDARY });

    const [[, record]] = records(east);
    expect(record.Properties.Name).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(east, 'Custom::WorkSpacesConnectionAliasAssociation'), 'ConnectionString'] }, '.']] });
  });

  test('adds no function and no role', () => {
    const types = (stack: Stack) => Object.values<any>(Template.fromStack(stack).toJSON().Resources).map((r) => r.Type).sort();
    aliasIn(east);
    const withRecord = new Stack(new App(), 'East', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new RedirectionRecord(withRecord, 'Dns', { alias: aliasIn(withRecord), zone: zoneIn(withRecord), failover: route53.Failover.SECONDARY });

    expect(types(withRecord)).toEqual([...types(east), 'AWS::Route53::RecordSet'].sort());
  });

  test('budget: a record adds one resource and at most 400 template bytes (measured: bench/redirection-size.ts)', () => {
    const bytes = (stack: Stack) => JSON.stringify(Template.fromStack(stack).toJSON()).length;
    aliasIn(east);
    const withRecord = new Stack(new App(), 'East', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new RedirectionRecord(withRecord, 'Dns', { alias: aliasIn(withRecord), zone: zoneIn(withRecord), failover: route53.Failover.SECONDARY });

    expect(bytes(withRecord) - bytes(east)).toBeLessThanOrEqual(400);
  });

  test('applyRemovalPolicy reaches the record set', () => {
    const record = new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover: route53.Failover.SECONDARY });
    record.applyRemovalPolicy(RemovalPolicy.RETAIN);

    Template.fromStack(east).hasResource('AWS::Route53::RecordSet', { DeletionPolicy: 'Retain' });
    expect(east.resolve(record.domainName)).toEqual({ Ref: records(east)[0][0] });
  });
});

describe('synth errors', () => {
  test('an alias without a directory', () => {
    expect(() => new RedirectionRecord(east, 'Dns', { alias: aliasIn(east, 'desktop.example.com', null), zone: zoneIn(east), failover: route53.Failover.SECONDARY }))
      .toThrow(/East\/Dns: alias 'East\/Alias' has no directoryId, so its connectionIdentifier is empty; give that ConnectionAlias a directoryId, or point the record at a ConnectionAliasAssociation/);
  });

  test('an alias of another stack', () => {
    const west = regionStack('West', 'us-west-2');
    expect(() => new RedirectionRecord(east, 'Dns', { alias: aliasIn(west), zone: zoneIn(east), failover: route53.Failover.SECONDARY }))
      .toThrow(/East\/Dns: alias must be a ConnectionAlias or ConnectionAliasAssociation in this record's stack \('East'\), got 'West\/Alias' of stack 'West'/);
  });

  test.each(['example.org', 'other.example.com', 'xample.com'])('a connection string outside the zone %s', (zoneName) => {
    expect(() => new RedirectionRecord(east, 'Dns', { alias: aliasIn(east, 'desktop.example.com'), zone: zoneIn(east, zoneName), failover: route53.Failover.SECONDARY }))
      .toThrow(new RegExp(`East/Dns: zone must be the hosted zone that holds the connection string 'desktop.example.com' \\(that name or one of its parent domains\\), got '${zoneName.replace('.', '\\.')}'`));
  });

  test.each(['example.com.', 'EXAMPLE.com', 'desktop.example.com'])('a connection string inside the zone %s is accepted', (zoneName) => {
    new RedirectionRecord(east, 'Dns', { alias: aliasIn(east, 'Desktop.example.com'), zone: zoneIn(east, zoneName), failover: route53.Failover.SECONDARY });
    expect(records(east)).toHaveLength(1);
  });

  test('PRIMARY without healthCheck', () => {
    expect(() => new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover: route53.Failover.PRIMARY }))
      .toThrow(/East\/Dns: healthCheck is required when failover is Failover.PRIMARY \(Route 53 rejects a PRIMARY record without one\); give a route53.IHealthCheck, or use Failover.SECONDARY/);
  });

  test('a setIdentifier Route 53 would refuse', () => {
    expect(() => new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover: route53.Failover.SECONDARY, setIdentifier: 'x'.repeat(129) }))
      .toThrow(/East\/Dns: setIdentifier must be 1-128 characters/);
  });

  test.each([route53.Failover.PRIMARY, route53.Failover.SECONDARY])('two %s records for one name in two stacks of the app, each naming the other', (failover) => {
    const west = regionStack('West', 'us-west-2');
    new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover, healthCheck: healthCheckIn(east) });
    new RedirectionRecord(west, 'Dns', { alias: aliasIn(west, 'DESKTOP.example.com'), zone: zoneIn(west), failover, healthCheck: healthCheckIn(west) });

    expect(() => app.synth()).toThrow(new RegExp(
      `\\[East/Dns\\] failover: 'West/Dns' is also the ${failover} record for 'desktop.example.com'; a name has one PRIMARY and one SECONDARY record`,
    ));
    expect(() => app.synth()).toThrow(/\[West\/Dns\] failover: 'East\/Dns' is also the/);
  });

  test('PRIMARY and SECONDARY of one name synthesize; so do two PRIMARY records of different names or zones', () => {
    const west = regionStack('West', 'us-west-2');
    new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(east) });
    new RedirectionRecord(west, 'Dns', { alias: aliasIn(west), zone: zoneIn(west), failover: route53.Failover.SECONDARY });
    const other = regionStack('Other', 'eu-west-1');
    new RedirectionRecord(other, 'Dns', { alias: aliasIn(other, 'labs.example.com'), zone: zoneIn(other), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(other) });
    const privateZone = regionStack('Private', 'eu-west-2');
    new RedirectionRecord(privateZone, 'Dns', {
      alias: aliasIn(privateZone), zone: zoneIn(privateZone, 'example.com', 'ZPRIVATE0000000'), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(privateZone),
    });

    expect(() => app.synth()).not.toThrow();
  });

  test('one setIdentifier for both records of a name', () => {
    const west = regionStack('West', 'us-west-2');
    new RedirectionRecord(east, 'Dns', { alias: aliasIn(east), zone: zoneIn(east), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(east), setIdentifier: 'desktops' });
    new RedirectionRecord(west, 'Dns', { alias: aliasIn(west), zone: zoneIn(west), failover: route53.Failover.SECONDARY, setIdentifier: 'desktops' });

    expect(() => app.synth()).toThrow(/\[East\/Dns\] setIdentifier: 'West\/Dns' uses the same setIdentifier 'desktops' for 'desktop.example.com'/);
  });

  test('tokens are not rejected: connection string, zone name and setIdentifier', () => {
    const west = regionStack('West', 'us-west-2');
    const fqdn = (stack: Stack) => new CfnParameter(stack, 'Fqdn').valueAsString;
    const zone = (stack: Stack) => zoneIn(stack, new CfnParameter(stack, 'ZoneName').valueAsString);
    new RedirectionRecord(east, 'Dns', {
      alias: aliasIn(east, fqdn(east)), zone: zone(east), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(east),
      setIdentifier: new CfnParameter(east, 'SetId').valueAsString,
    });
    new RedirectionRecord(west, 'Dns', {
      alias: aliasIn(west, fqdn(west)), zone: zone(west), failover: route53.Failover.PRIMARY, healthCheck: healthCheckIn(west),
    });

    expect(() => app.synth()).not.toThrow();
    expect(records(east)[0][1].Properties).toMatchObject({ Name: { 'Fn::Join': ['', [{ Ref: 'Fqdn' }, '.']] }, SetIdentifier: { Ref: 'SetId' } });
  });
});
