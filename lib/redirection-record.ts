import { Duration, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import type { IConnectionAliasAssociation } from './connection-alias-association';
import { associationFactsOf } from './private/association-facts';

/** Properties of a RedirectionRecord. */
export interface RedirectionRecordProps {
  /**
   * What this Region's record points at: a `ConnectionAlias` with `directoryId`, or a
   * `ConnectionAliasAssociation`, in this stack. The record takes its name (the connection string) and its
   * value (the ConnectionIdentifier) from it.
   */
  readonly alias: IConnectionAliasAssociation;

  /** The hosted zone that holds the connection string (for `desktop.example.com`, the zone `example.com`). */
  readonly zone: route53.IHostedZone;

  /** Whether this Region answers while it is healthy (PRIMARY) or when the primary is not (SECONDARY). */
  readonly failover: route53.Failover;

  /**
   * The health check that decides when Route 53 answers with the SECONDARY record instead. Required for
   * PRIMARY: Route 53 rejects a PRIMARY record without one.
   * @default - none (allowed for SECONDARY only)
   */
  readonly healthCheck?: route53.IHealthCheck;

  /**
   * How long resolvers cache the answer: after a failover, clients may keep the old Region's answer this long.
   * @default Duration.minutes(1)
   */
  readonly ttl?: Duration;

  /**
   * Tells this record apart from the other Regions' records of the same name (1-128 characters).
   * @default - the stack's Region
   */
  readonly setIdentifier?: string;
}

/**
 * One Region's DNS TXT record for WorkSpaces cross-Region redirection: named the connection string, valued
 * this Region's ConnectionIdentifier, with Route 53 failover routing. Each Region's stack writes its own
 * record (Route 53 is global), so no value crosses Regions.
 *
 * The record refers to the association's ConnectionIdentifier, so CloudFormation creates it after the
 * association, updates it in the same deployment when the association moves, and deletes it before the
 * association: DNS never points at an association that is gone.
 *
 * @resource AWS::Route53::RecordSet
 */
export class RedirectionRecord extends Resource {
  /**
   * The record's name, the connection string as a fully qualified domain name (with a trailing dot).
   * @attribute
   */
  public readonly domainName: string;

  /** The Route 53 record set. */
  public readonly recordSet: route53.IRecordSet;

  /** The failover role of this record. */
  public readonly failover: route53.Failover;

  /** The identifier that tells this record apart from the other Regions' records. */
  public readonly setIdentifier: string;

  private readonly record: route53.TxtRecord;
  private readonly zone: route53.IHostedZone;
  /** The record name in lower case without the trailing dot, when known at synth. */
  private readonly literalName?: string;

  public constructor(scope: Construct, id: string, props: RedirectionRecordProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const aliasStack = Stack.of(props.alias);
    if (aliasStack !== stack) {
      throw new Error(
        `${this.node.path}: alias must be a ConnectionAlias or ConnectionAliasAssociation in this record's stack ` +
        `('${stack.node.path}'), got '${props.alias.node.path}' of stack '${aliasStack.node.path}'. Give each Region's ` +
        'stack its own RedirectionRecord: Route 53 is global, so no identifier needs to cross Regions',
      );
    }
    const facts = associationFactsOf(props.alias);
    if (facts && !facts.associated) {
      throw new Error(
        `${this.node.path}: alias '${props.alias.node.path}' has no directoryId, so its connectionIdentifier is ` +
        'empty; give that ConnectionAlias a directoryId, or point the record at a ConnectionAliasAssociation',
      );
    }
    if (props.failover === route53.Failover.PRIMARY && !props.healthCheck) {
      throw new Error(
        `${this.node.path}: healthCheck is required when failover is Failover.PRIMARY (Route 53 rejects a PRIMARY ` +
        'record without one); give a route53.IHealthCheck, or use Failover.SECONDARY',
      );
    }
    const setIdentifier = props.setIdentifier ?? stack.region;
    if (!Token.isUnresolved(setIdentifier) && (setIdentifier.length < 1 || setIdentifier.length > 128)) {
      throw new Error(`${this.node.path}: setIdentifier must be 1-128 characters, got '${setIdentifier}'`);
    }

    // The declared string when the app gave one (a literal can be checked against the zone); otherwise the
    // connection string WorkSpaces reports. The trailing dot keeps the zone name from being appended to it.
    const declared = facts?.declaredConnectionString;
    const connectionString = declared ?? props.alias.connectionString;
    if (!Token.isUnresolved(connectionString)) {
      this.literalName = connectionString.toLowerCase();
      const zoneName = props.zone.zoneName;
      if (!Token.isUnresolved(zoneName)) {
        const zone = zoneName.replace(/\.$/, '').toLowerCase();
        if (this.literalName !== zone && !this.literalName.endsWith(`.${zone}`)) {
          throw new Error(
            `${this.node.path}: zone must be the hosted zone that holds the connection string '${connectionString}' ` +
            `(that name or one of its parent domains), got '${zoneName}'`,
          );
        }
      }
    }

    this.failover = props.failover;
    this.setIdentifier = setIdentifier;
    this.zone = props.zone;
    this.record = new route53.TxtRecord(this, 'Resource', {
      zone: props.zone,
      recordName: `${connectionString}.`,
      // TxtRecord quotes the value as Route 53 requires (a token too: the quotes are joined around it).
      values: [props.alias.connectionIdentifier],
      failover: props.failover,
      setIdentifier,
      healthCheck: props.healthCheck,
      ttl: props.ttl ?? Duration.minutes(1),
    });
    this.recordSet = this.record;
    this.domainName = this.record.domainName;

    registerInApp(this);
    this.node.addValidation({ validate: () => this.conflicts() });
  }

  /** Applies `policy` to the record set (the default child is the TxtRecord construct, not a CfnResource). */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.record.applyRemovalPolicy(policy);
  }

  /**
   * Route 53 allows one PRIMARY and one SECONDARY record per name, and one record per SetIdentifier. The
   * stacks of one app can see each other, so a clash between two Regions' stacks is caught at synth.
   * Records whose name is a token, or whose zones may differ, are not compared.
   */
  private conflicts(): string[] {
    const problems: string[] = [];
    for (const other of recordsInApp(this)) {
      if (other === this || !this.sameRecordName(other)) {
        continue;
      }
      if (other.failover === this.failover) {
        problems.push(
          `failover: '${other.node.path}' is also the ${this.failover} record for '${this.literalName}'; a name has ` +
          'one PRIMARY and one SECONDARY record: make one of them the other failover role, or give it another connection string',
        );
      } else if (!Token.isUnresolved(this.setIdentifier) && other.setIdentifier === this.setIdentifier) {
        problems.push(
          `setIdentifier: '${other.node.path}' uses the same setIdentifier '${this.setIdentifier}' for '${this.literalName}'; ` +
          'each record of a name needs its own (the default is the stack\'s Region): set setIdentifier on one of them',
        );
      }
    }
    return problems;
  }

  private sameRecordName(other: RedirectionRecord): boolean {
    if (this.literalName === undefined || this.literalName !== other.literalName) {
      return false;
    }
    // One zone, or two imports of one zone id. Other zones (a public and a private zone of one name) hold
    // separate records, and zones whose id is a token cannot be compared.
    const mine = this.zone.hostedZoneId;
    const theirs = other.zone.hostedZoneId;
    return this.zone === other.zone || (!Token.isUnresolved(mine) && mine === theirs);
  }
}

const recordsByApp = new WeakMap<IConstruct, RedirectionRecord[]>();

function registerInApp(record: RedirectionRecord): void {
  const root = record.node.root;
  const records = recordsByApp.get(root) ?? [];
  records.push(record);
  recordsByApp.set(root, records);
}

function recordsInApp(record: RedirectionRecord): RedirectionRecord[] {
  return recordsByApp.get(record.node.root) ?? [];
}
