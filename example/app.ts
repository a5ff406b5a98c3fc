// The example app that `npx cdk synth` runs (see cdk.json). It synthesizes offline, with no AWS account.
import { App, Tags } from 'aws-cdk-lib';
import { ExampleStack } from './example-stack';

const app = new App();
const stack = new ExampleStack(app, 'CdkAliasesExample');
Tags.of(stack).add('project', 'cdk-aliases-example');
app.synth();
