// IAM as the handlers meet it in AWS, for the lifecycle tests: the identity policy in force at each moment of a
// deployment (CloudFormation updates the handler's role policy before the custom resources that use it, and a
// statement it adds may take a few seconds to be in force), evaluated by @cloud-copilot/iam-simulate (which
// reads the Service Authorization Reference) against each call an emulator logged, or live, as a fault plan.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { SynthesizedStack } from '../cloudformation/assembly';
import type { FaultPlan, RecordedCall } from '../emulators/emulated-endpoint';

/** One authorisation IAM makes for an API call (an action naming two resources is authorised once per resource). */
export interface Authorization {
  readonly action: string;
  /** The resource ARN, or '*' for actions that take no resource. */
  readonly resource: string;
  /** Tags the resource carries (aws:ResourceTag/…). */
  readonly resourceTags?: Record<string, string>;
  /** Tags the request sets (aws:RequestTag/…, and their keys as aws:TagKeys). */
  readonly requestTags?: Record<string, string>;
  /** Tag keys the request names (aws:TagKeys), when it removes tags. */
  readonly tagKeys?: string[];
}

/** A call as IAM sees it: who made it and what it asked for. */
export type CallLike = Pick<RecordedCall, 'operation' | 'input' | 'accountId' | 'region'> & Partial<Pick<RecordedCall, 'resourceTags'>>;

/** The authorisations one call needs; `tagsOf` gives a resource's tags when the call log does not. */
export type AuthorizationsOf = (call: CallLike, tagsOf?: (arn: string) => Record<string, string> | undefined) => Authorization[];

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** The result for one authorisation of one logged call. */
export interface EvaluatedCall {
  readonly call: CallLike & { readonly at?: number };
  readonly authorization: Authorization;
  readonly decision: Decision;
}

type Statement = Record<string, unknown>;

interface PolicyVersion {
  /** When CloudFormation finished updating the policy. */
  readonly from: number;
  readonly statements: Statement[];
  /** Statements this version added: in force only `propagationDelayMs` after `from`. */
  readonly added: Set<string>;
  readonly propagationDelayMs: number;
}

/** Where the policies live: the stack's name, account and Region fill in their pseudo parameters. */
export interface StackIdentity {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * The identity policies of one handler role over time. Call `enact` with each stack version as it is
 * deployed (before its custom resources run, as CloudFormation orders it), then evaluate calls by the time
 * they were made.
 */
export class PolicyTimeline {
  private readonly versions: PolicyVersion[] = [];

  /** `role` picks the role's policies by a part of their logical id (e.g. 'EmailAddressAliasProviderHandler'). */
  public constructor(private readonly identity: StackIdentity, private readonly role: string) {}

  /**
   * The policy of `stack` is in force from `at` (default now). Statements that the previous version did not
   * have are in force only `propagationDelayMs` later (IAM is eventually consistent).
   */
  public enact(stack: SynthesizedStack, options: { at?: number; propagationDelayMs?: number } = {}): void {
    const statements = this.statementsOf(stack);
    const previous = new Set((this.versions.at(-1)?.statements ?? []).map(key));
    this.versions.push({
      from: options.at ?? Date.now(),
      statements,
      added: new Set(statements.map(key).filter((k) => !previous.has(k))),
      propagationDelayMs: options.propagationDelayMs ?? 0,
    });
  }

  /** The statements in force at `at`. */
  public statementsAt(at: number): Statement[] {
    const version = [...this.versions].reverse().find((v) => v.from <= at);
    if (!version) {
      return [];
    }
    const propagated = at >= version.from + version.propagationDelayMs;
    if (propagated) {
      return version.statements;
    }
    // Until the new statements propagate, what was there before (and is still there) is what applies.
    return version.statements.filter((s) => !version.added.has(key(s)));
  }

  /** IAM's decision on `authorization` at `at`. */
  public async decide(authorization: Authorization, at: number = Date.now()): Promise<Decision> {
    const statements = this.statementsAt(at);
    if (statements.length === 0) {
      return 'ImplicitlyDenied';
    }
    const tags = authorization.requestTags ?? {};
    const contextVariables: Record<string, string | string[]> = {
      ...Object.fromEntries(Object.entries(authorization.resourceTags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    };
    const tagKeys = authorization.tagKeys ?? (authorization.requestTags ? Object.keys(tags) : undefined);
    if (tagKeys) {
      contextVariables['aws:TagKeys'] = tagKeys;
    }
    const result = await runSimulation({
      request: {
        principal: `arn:aws:iam::${this.identity.accountId}:role/handler`,
        action: authorization.action,
        resource: { resource: authorization.resource, accountId: this.identity.accountId },
        contextVariables,
      },
      identityPolicies: [{ name: 'handler', policy: { Version: '2012-10-17', Statement: statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      throw new Error(`${authorization.action} on ${authorization.resource}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult as Decision;
  }

  /** Every authorisation of every call that reached the service (not refused by an injected fault), at its time. */
  public async evaluate(calls: ReadonlyArray<RecordedCall>, authorizationsOf: AuthorizationsOf): Promise<EvaluatedCall[]> {
    const evaluated: EvaluatedCall[] = [];
    for (const call of calls) {
      for (const authorization of authorizationsOf(call)) {
        evaluated.push({ call, authorization, decision: await this.decide(authorization, call.at) });
      }
    }
    return evaluated;
  }

  /**
   * A fault plan that refuses, with AccessDeniedException as AWS sends it, every call the policy in force does
   * not allow: the emulator then behaves as if IAM stood in front of it.
   */
  public enforce(authorizationsOf: AuthorizationsOf, tagsOf: (arn: string) => Record<string, string> | undefined, status = 403): FaultPlan {
    return async (call) => {
      const request = { operation: call.operation, input: call.input, accountId: call.caller.accountId, region: call.caller.region };
      for (const authorization of authorizationsOf(request, tagsOf)) {
        if ((await this.decide(authorization)) !== 'Allowed') {
          return {
            kind: 'error', status, name: 'AccessDeniedException',
            message: `User: arn:aws:iam::${this.identity.accountId}:role/handler is not authorized to perform: ${authorization.action} on resource: ${authorization.resource}`,
          };
        }
      }
      return undefined;
    };
  }

  private statementsOf(stack: SynthesizedStack): Statement[] {
    return Object.entries(stack.template.Resources)
      .filter(([id, resource]) => resource.Type === 'AWS::IAM::Policy' && id.includes(this.role))
      .flatMap(([, resource]) => [resource.Properties?.PolicyDocument?.Statement ?? []].flat().map((s: unknown) => this.resolve(s) as Statement));
  }

  /** A synthesized value with the stack's pseudo parameters filled in. */
  private resolve(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const node = value as Record<string, any>;
    if (node.Ref !== undefined) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws', 'AWS::Region': this.identity.region, 'AWS::AccountId': this.identity.accountId, 'AWS::StackName': this.identity.stackName,
      };
      if (!(node.Ref in pseudo)) {
        throw new Error(`unexpected Ref ${node.Ref} in a handler policy`);
      }
      return pseudo[node.Ref];
    }
    if (node['Fn::Join'] !== undefined) {
      const [delimiter, parts] = node['Fn::Join'];
      return (this.resolve(parts) as string[]).join(delimiter);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, this.resolve(v)]));
  }
}

function key(statement: Statement): string {
  return JSON.stringify(statement);
}
