import { RemovalPolicy, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Throws at synth if a literal `value` has a problem. Unresolved tokens are never rejected: their value is
 * only known at deploy time, where the handler checks it again.
 */
export function validateProp(
  scope: Construct,
  value: string | undefined,
  problemOf: (value: string) => string | undefined,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const problem = problemOf(value);
  if (problem) {
    throw new Error(`${scope.node.path}: ${problem}`);
  }
}

/** Custom resources support DESTROY and the RETAIN variants; CloudFormation rejects SNAPSHOT for them. */
export function validateRemovalPolicy(scope: Construct, policy: RemovalPolicy): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`${scope.node.path}: removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN (or RETAIN_ON_UPDATE_OR_DELETE); SNAPSHOT is not supported`);
  }
}
