// Prints the synthesized template's size (minified JSON bytes) and resource count of the example stack and of
// a stack whose handlers keep their logs for a set time (logRetention), to compare before and after a change:
//   npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/template-sizes.ts
import { App, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ExampleStack } from '../example/example-stack';
import { ConnectionAlias, EmailAddressAlias } from '../lib';

function logRetentionStack(app: App): Stack {
  const stack = new Stack(app, 'LogRetention', { env: { account: '111111111111', region: 'us-east-1' } });
  const logRetention = logs.RetentionDays.ONE_MONTH;
  new ConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com', directoryId: 'd-1234567890', logRetention });
  new EmailAddressAlias(stack, 'Mail', {
    instanceId: '11111111-2222-3333-4444-555555555555',
    emailAddressId: 'aaaaaaaa-0000-0000-0000-000000000001',
    aliasEmailAddressId: 'aaaaaaaa-0000-0000-0000-000000000002',
    logRetention,
  });
  return stack;
}

const app = new App();
const stacks = [new ExampleStack(app, 'CdkAliasesExample'), logRetentionStack(app)];
const assembly = app.synth();
for (const stack of stacks) {
  const template = assembly.getStackByName(stack.stackName).template;
  const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
  const byType = [...new Set(types)].sort().map((type) => `${type} ${types.filter((t) => t === type).length}`);
  console.log(`${stack.stackName}: ${JSON.stringify(template).length} bytes, ${types.length} resources (${byType.join(', ')})`);
}
