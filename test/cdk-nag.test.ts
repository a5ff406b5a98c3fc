import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ExampleStack } from '../example/example-stack';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

// cdk-nag 3 with the AwsSolutions pack, run with validateScope as cdk-nag documents for tests. (aws-cdk-lib 2.257
// does not hand the construct tree to validation plugins, so `Validations.of(app).addPlugins(...)` reports
// "NagPack requires a construct tree" there; newer versions do, see the last test.) The library acknowledges the findings that are
// inherent to it, with a reason each; everything else must be fixed, so a stack using only the library's
// constructs has no findings at all.

const KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
const INSTANCE = '11111111-2222-3333-4444-555555555555';

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/** Every finding the AwsSolutions pack reports for `scope`, one per rule and resource. */
function findings(scope: IConstruct): Finding[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ rule: v.ruleName, severity: v.severity ?? 'unknown', path: r.constructPath ?? '' })));
}

/** The acknowledgements written as metadata in `scope`, by construct path. */
function acknowledgements(scope: IConstruct): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata.filter((m) => m.type === KEY)) {
      // As cdk-nag reads them: aws-cdk-lib's own acknowledge() prefixes 'annotation::' (or 'Annotation::').
      const data = Object.entries(entry.data as Record<string, string>).map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]);
      result[c.node.path] = { ...result[c.node.path], ...Object.fromEntries(data) };
    }
  }
  return result;
}

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('cdk-nag AwsSolutions', () => {
  test('the example stack has no unacknowledged errors or warnings', () => {
    const stack = new ExampleStack(new App(), 'CdkAliasesExample');

    expect(findings(stack)).toEqual([]);
  });

  test('the library acknowledges exactly the inherent findings, each with a reason', () => {
    const stack = new ExampleStack(new App(), 'CdkAliasesExample');

    const acks = acknowledgements(stack);
    const ids = Object.fromEntries(Object.entries(acks).map(([path, byId]) => [path, Object.keys(byId).sort()]));
    const basicExecution = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    expect(ids).toEqual({
      'CdkAliasesExample/CdkAliasesConnectionAliasProvider/Handler': [
        basicExecution,
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:<AWS::Region>:<AWS::AccountId>:connectionalias/*]',
      ].sort(),
      'CdkAliasesExample/CdkAliasesConnectionAliasProvider/Provider/framework-onEvent': [
        'AwsSolutions-L1',
        basicExecution,
        'AwsSolutions-IAM5[Resource::<CdkAliasesConnectionAliasProviderHandlerC1155B99.Arn>:*]',
      ].sort(),
      'CdkAliasesExample/CdkAliasesEmailAddressAliasProvider/Handler': [
        basicExecution,
        // EmailAddressAlias.between: the instance ARN as given.
        `AwsSolutions-IAM5[Resource::arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/email-address/*]`,
        // An instance id: the ARN is formatted in the stack's partition, Region and account.
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/${INSTANCE}/email-address/*]`,
        // Addresses this stack marked, in any instance (the marks are the boundary after an instance move).
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/*/email-address/*]',
      ].sort(),
      'CdkAliasesExample/CdkAliasesEmailAddressAliasProvider/Provider/framework-onEvent': [
        'AwsSolutions-L1',
        basicExecution,
        'AwsSolutions-IAM5[Resource::<CdkAliasesEmailAddressAliasProviderHandler5C87E99F.Arn>:*]',
      ].sort(),
    });
    for (const reason of Object.values(acks).flatMap((byId) => Object.values(byId))) {
      expect(reason.length).toBeGreaterThan(80);
    }
  });

  test('a stack with only a ConnectionAlias, with default settings, is clean', () => {
    const stack = newStack();
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });

    expect(findings(stack)).toEqual([]);
  });

  test('a stack with only an EmailAddressAlias, with default settings, is clean', () => {
    const stack = newStack();
    new EmailAddressAlias(stack, 'Alias', {
      instanceId: INSTANCE,
      emailAddressId: 'aaaaaaaa-0000-0000-0000-000000000001',
      aliasEmailAddressId: 'aaaaaaaa-0000-0000-0000-000000000002',
    });

    expect(findings(stack)).toEqual([]);
  });

  test('logRetention and addresses given by email address add no findings', () => {
    const stack = newStack();
    const logRetention = logs.RetentionDays.ONE_MONTH;
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890', logRetention });
    new EmailAddressAlias(stack, 'Mail', {
      instanceId: INSTANCE,
      emailAddress: 'support@example.my.connect.aws',
      aliasEmailAddress: 'help@example.my.connect.aws',
      logRetention,
    });

    expect(findings(stack)).toEqual([]);
  });

  test('handler settings (VPC, architecture) add no findings of the library\'s own', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    new ConnectionAlias(stack, 'Alias', {
      connectionString: 'desktop.example.com',
      directoryId: 'd-1234567890',
      vpc,
      architecture: lambda.Architecture.ARM_64,
    });

    // The VPC is the consumer's (cdk-nag has views on it, e.g. VPC7 flow logs); the provider adds nothing.
    expect(findings(stack).filter((f) => f.path.startsWith('Stack/CdkAliasesConnectionAliasProvider/'))).toEqual([]);
    expect(Object.keys(acknowledgements(stack)['Stack/CdkAliasesConnectionAliasProvider/Handler'])).toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]');
  });

  test('acknowledgements are not blanket: a wildcard on any other action is still reported', () => {
    const stack = newStack();
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    const handler = stack.node.findChild('CdkAliasesConnectionAliasProvider').node.findChild('Handler') as lambda.Function;
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    expect(findings(stack)).toEqual([{
      rule: 'AwsSolutions-IAM5[Resource::*]',
      severity: 'error',
      path: 'Stack/CdkAliasesConnectionAliasProvider/Handler/ServiceRole/DefaultPolicy/Resource',
    }]);
  });

  test('wildcards that come from a token the library cannot scope are left for the consumer to judge', () => {
    const stack = newStack();
    // An instance value that may be an id or an ARN: every instance of the account and Region.
    new EmailAddressAlias(stack, 'Alias', {
      instanceId: new CfnParameter(stack, 'Instance').valueAsString,
      emailAddressId: 'aaaaaaaa-0000-0000-0000-000000000001',
      aliasEmailAddressId: 'aaaaaaaa-0000-0000-0000-000000000002',
    });
    // A directory id known only at deploy time is still one directory: no wildcard, no finding.
    new ConnectionAlias(stack, 'Desktop', {
      connectionString: 'desktop.example.com',
      directoryId: new CfnParameter(stack, 'Directory').valueAsString,
    });

    expect(findings(stack).map((f) => f.rule).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/*/email-address/*]',
    ]);
  });

  test('a consumer\'s own acknowledgement on the same construct is kept alongside the library\'s', () => {
    const stack = newStack();
    new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    const handler = stack.node.findChild('CdkAliasesConnectionAliasProvider').node.findChild('Handler') as lambda.Function;
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::bucket'] }));
    // (acknowledge() accepts ids with at most one '::', so the consumer can write this one but not ARN findings.)
    Validations.of(handler).acknowledge({ id: 'AwsSolutions-IAM5[Action::s3:Get*]', reason: 'the consumer says so' });

    expect(findings(stack)).toEqual([]);
    expect(acknowledgements(stack)['Stack/CdkAliasesConnectionAliasProvider/Handler']).toMatchObject({
      'AwsSolutions-IAM5[Action::s3:Get*]': 'the consumer says so',
      'AwsSolutions-IAM5[Resource::*]': expect.stringContaining('Service Authorization Reference'),
    });
  });

  test('the acknowledgements reach the cloud assembly, as an audit trail', () => {
    const app = new App();
    new ExampleStack(app, 'CdkAliasesExample');

    const artifact = app.synth().getStackByName('CdkAliasesExample');
    const entries = artifact.findMetadataByType(KEY);
    const ids = entries.flatMap((e) => Object.keys(e.data as unknown as Record<string, string>));
    expect(entries.map((e) => e.path)).toContain('/CdkAliasesExample/CdkAliasesConnectionAliasProvider/Handler');
    expect(ids).toContain('AwsSolutions-IAM5[Resource::*]');
  });

  test('as a validation plugin at synth, where aws-cdk-lib hands plugins the construct tree', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-')) });
    new ExampleStack(app, 'CdkAliasesExample');
    const pack = new AwsSolutionsChecks(app);
    let report: PolicyValidationPluginReport | undefined;
    let failure: Error | undefined;
    Validations.of(app).addPlugins({
      name: pack.name,
      validate: (context) => {
        try {
          return (report = pack.validate(context));
        } catch (error) {
          throw (failure = error as Error);
        }
      },
    });
    const exitCode = process.exitCode;
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } finally {
      // A plugin that fails sets the process's exit code; this test's outcome is in its assertions.
      process.exitCode = exitCode;
      consoleError.mockRestore();
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }

    if (failure) {
      // aws-cdk-lib 2.257, as the README says: run the pack with validateScope instead.
      expect(failure.message).toContain('NagPack requires a construct tree');
    } else {
      expect(report?.violations).toEqual([]);
      expect(report?.success).toBe(true);
    }
  });
});
