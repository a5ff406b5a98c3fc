import { Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ConnectionAlias, RedirectionRecord } from '../lib';

/** One Region of a cross-Region redirection. */
export interface RedirectionStackProps extends StackProps {
  /** The FQDN users type; the same in every Region (a connection string is reserved for the account that made it). */
  readonly connectionString: string;
  /** The WorkSpaces directory of this Region. */
  readonly directoryId: string;
  /** PRIMARY (with a health check) or SECONDARY. */
  readonly failover: route53.Failover;
  /** The hosted zone that holds the connection string. */
  readonly zoneName: string;
  readonly hostedZoneId: string;
}

/**
 * A Region's stack of a cross-Region redirection: its alias associated with its directory, and its own failover
 * record (Route 53 is global): no cross-Region reference, so a directory move deploys in this stack alone.
 */
export class RedirectionStack extends Stack {
  public constructor(scope: Construct, id: string, props: RedirectionStackProps) {
    super(scope, id, props);
    const alias = new ConnectionAlias(this, 'Alias', { connectionString: props.connectionString, directoryId: props.directoryId });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.zoneName });
    // Route 53 rejects a PRIMARY failover record that is not an alias without a health check. Here, a CloudWatch
    // alarm of the primary Region decides; flip it (or invert the health check) by hand to fail over and back.
    const healthCheck = props.failover === route53.Failover.PRIMARY
      ? new route53.HealthCheck(this, 'Health', {
        type: route53.HealthCheckType.CLOUDWATCH_METRIC,
        alarmIdentifier: { name: 'workspaces-primary', region: this.region },
        insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
      })
      : undefined;
    new RedirectionRecord(this, 'Dns', { alias, zone, failover: props.failover, healthCheck });
  }
}
