// Route 53 is not emulated: this answers a DNS query from the AWS::Route53::RecordSet resources of the
// deployed templates, the way failover routing does, so a test can assert where users would land.
import type { CloudFormationSimulator } from '../cloudformation/simulator';

/** One AWS::Route53::RecordSet, with its properties resolved as deployed. */
export interface RecordSet {
  /** Which stack it came from (for messages). */
  readonly stack: string;
  readonly logicalId: string;
  readonly properties: Record<string, any>;
}

export interface FailoverAnswer {
  /** The record's values as Route 53 answers them (TXT values unquoted). */
  readonly values: string[];
  readonly failover: 'PRIMARY' | 'SECONDARY';
  readonly setIdentifier?: string;
  readonly from: RecordSet;
}

/** The record sets of every stack's template now in force. */
export function recordSetsOf(stacks: CloudFormationSimulator[]): RecordSet[] {
  return stacks.flatMap((cfn) => cfn.resourcesOfType('AWS::Route53::RecordSet').map((r) => ({ stack: cfn.stackName, ...r })));
}

/** A name as Route 53 compares it: case-insensitive, with or without the final dot. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** A TXT value without the quotes Route 53 requires around each string ("a" "b" -> ab). */
export function unquoteTxt(value: string): string {
  const strings = value.match(/"((?:[^"\\]|\\.)*)"/g);
  if (!strings) throw new Error(`TXT value ${value} is not quoted as Route 53 requires`);
  return strings.map((s) => s.slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}

/**
 * Answers a query for `name` and `type` from failover records: the PRIMARY when its health check is healthy,
 * else the SECONDARY (when it has a health check of its own, only when that is healthy). When every record is
 * unhealthy, Route 53 answers as if all were healthy, so the PRIMARY. `health` gives each HealthCheckId's state;
 * a health check it does not name fails the query (a test must say what it assumes).
 * Throws what Route 53 would refuse: two PRIMARY or two SECONDARY records for one name and type, a PRIMARY
 * without a health check, a record of the name without Failover mixed with failover records.
 */
export function resolveFailover(records: RecordSet[], name: string, type: string, health: Record<string, boolean>): FailoverAnswer | undefined {
  const matching = records.filter((r) => normalizeName(String(r.properties.Name)) === normalizeName(name) && r.properties.Type === type);
  if (matching.length === 0) return undefined;
  const describe = (r: RecordSet) => `${r.stack}/${r.logicalId}`;
  if (matching.some((r) => r.properties.Failover === undefined)) {
    throw new Error(`${name} ${type}: ${matching.map(describe).join(', ')} mix failover and simple records`);
  }
  const role = (failover: 'PRIMARY' | 'SECONDARY') => {
    const found = matching.filter((r) => r.properties.Failover === failover);
    if (found.length > 1) throw new Error(`${name} ${type}: more than one ${failover} record (${found.map(describe).join(', ')})`);
    return found[0];
  };
  const primary = role('PRIMARY');
  const secondary = role('SECONDARY');
  const healthy = (r: RecordSet | undefined): boolean => {
    if (!r) return false;
    const id = r.properties.HealthCheckId;
    if (id === undefined) {
      if (r.properties.Failover === 'PRIMARY' && !r.properties.AliasTarget) {
        throw new Error(`${describe(r)}: a PRIMARY failover record that is not an alias needs a HealthCheckId`);
      }
      return true;
    }
    if (!(id in health)) throw new Error(`${describe(r)}: no health state given for health check ${id}`);
    return health[id];
  };
  const chosen = healthy(primary) ? primary : healthy(secondary) ? secondary : primary ?? secondary!;
  const values: string[] = (chosen.properties.ResourceRecords ?? []).map((v: string) => (type === 'TXT' ? unquoteTxt(v) : v));
  return { values, failover: chosen.properties.Failover, setIdentifier: chosen.properties.SetIdentifier, from: chosen };
}
