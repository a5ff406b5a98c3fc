// One synth sample, run in a fresh Node process by bench/synth.ts:
//   synth-sample.ts <variant> <N> <outdir>
// variant: 'ours' (ConnectionAlias), 'native' (CfnConnectionAlias) or 'acr' (AwsCustomResource calling
// CreateConnectionAlias / DeleteConnectionAlias). Prints one JSON line: the wall and CPU time of building the
// constructs and synthesizing, module loading excluded.
import { performance } from 'node:perf_hooks';
import type { Stack } from 'aws-cdk-lib';

// Loaded with require() before the clock starts, so module loading is not counted. aws-cdk-lib loads its
// submodules lazily, so what a construct pulls in is still counted inside the synth.
/* eslint-disable @typescript-eslint/no-require-imports */
const { App, Stack: StackClass } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
const workspaces = require('aws-cdk-lib/aws-workspaces') as typeof import('aws-cdk-lib/aws-workspaces');
const cr = require('aws-cdk-lib/custom-resources') as typeof import('aws-cdk-lib/custom-resources');
const { ConnectionAlias } = require('../lib') as typeof import('../lib');

type Variant = 'ours' | 'native' | 'acr';

function build(stack: Stack, variant: Variant, n: number): void {
  for (let i = 0; i < n; i++) {
    const connectionString = `desktop${i}.example.com`;
    const id = `Alias${i}`;
    switch (variant) {
      case 'ours':
        new ConnectionAlias(stack, id, { connectionString });
        break;
      case 'native':
        new workspaces.CfnConnectionAlias(stack, id, { connectionString });
        break;
      case 'acr':
        // The usual hand-rolled alternative: one SDK call per lifecycle step, permissions derived from the calls.
        new cr.AwsCustomResource(stack, id, {
          onCreate: {
            service: 'WorkSpaces',
            action: 'CreateConnectionAlias',
            parameters: { ConnectionString: connectionString },
            physicalResourceId: cr.PhysicalResourceId.fromResponse('AliasId'),
          },
          onDelete: {
            service: 'WorkSpaces',
            action: 'DeleteConnectionAlias',
            parameters: { AliasId: new cr.PhysicalResourceIdReference() },
          },
          policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
          installLatestAwsSdk: false,
        });
        break;
      default:
        throw new Error(`Unknown variant ${variant as string}`);
    }
  }
}

function main(): void {
  const [variant, count, outdir] = process.argv.slice(2);
  const n = Number(count);
  if (!['ours', 'native', 'acr'].includes(variant) || !Number.isInteger(n) || n < 1 || !outdir) {
    throw new Error('usage: synth-sample.ts <ours|native|acr> <N> <outdir>');
  }
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const app = new App({ outdir });
  const stack = new StackClass(app, 'BenchStack', { env: { account: '111111111111', region: 'us-east-1' } });
  build(stack, variant as Variant, n);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const synthMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (Object.keys(template.Resources ?? {}).length < n) throw new Error(`${variant}: fewer resources than constructs`);
  process.stdout.write(`${JSON.stringify({ variant, n, synthMs, cpuMs })}\n`);
}

main();
