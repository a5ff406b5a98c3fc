import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExampleStack } from '../example/example-stack';

// The snapshot of the example app's template. Asset hashes are masked (test/support), so it changes only
// when the template's shape does, not when handler code does.
test('the example stack matches its snapshot', () => {
  const stack = new ExampleStack(new App(), 'CdkAliasesExample');

  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});
