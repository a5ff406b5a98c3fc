import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * What a custom resource of `type` depends on through its ServiceToken: the Provider framework function,
 * and the handler function that it invokes (with that function's own DependsOn).
 */
export function permissionsChain(stack: Stack, type: string) {
  const resources = Template.fromStack(stack).toJSON().Resources;
  const [resource] = Object.values<any>(resources).filter((r) => r.Type === type);
  const framework = resources[resource.Properties.ServiceToken['Fn::GetAtt'][0]];
  const handler = resources[framework.Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN['Fn::GetAtt'][0]];
  return { resource, framework, handler };
}
