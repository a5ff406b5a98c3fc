// Names the examples may use without importing or declaring them (see default.ts-fixture). They are global so
// that an example's own import or declaration of a name, in module or function scope, shadows the global one.
// scripts/rosetta.sh copies this file next to the examples and appends one line per export of cdk-aliases.
import * as cdk from 'aws-cdk-lib';
import * as connect_ from 'aws-cdk-lib/aws-connect';
import * as ec2_ from 'aws-cdk-lib/aws-ec2';
import * as iam_ from 'aws-cdk-lib/aws-iam';
import * as lambda_ from 'aws-cdk-lib/aws-lambda';
import * as logs_ from 'aws-cdk-lib/aws-logs';
import * as route53_ from 'aws-cdk-lib/aws-route53';
import * as route53Targets_ from 'aws-cdk-lib/aws-route53-targets';
import * as ssm_ from 'aws-cdk-lib/aws-ssm';
import * as workspaces_ from 'aws-cdk-lib/aws-workspaces';
import * as constructs from 'constructs';

declare global {
  export import App = cdk.App;
  export import Aws = cdk.Aws;
  export import CfnOutput = cdk.CfnOutput;
  export import Duration = cdk.Duration;
  export import Fn = cdk.Fn;
  export import RemovalPolicy = cdk.RemovalPolicy;
  export import Stack = cdk.Stack;
  export import StackProps = cdk.StackProps;
  export import Stage = cdk.Stage;
  export import Tags = cdk.Tags;
  export import Token = cdk.Token;
  export import Validations = cdk.Validations;
  export import Construct = constructs.Construct;
  export import IConstruct = constructs.IConstruct;

  export import connect = connect_;
  export import ec2 = ec2_;
  export import iam = iam_;
  export import lambda = lambda_;
  export import logs = logs_;
  export import route53 = route53_;
  export import route53Targets = route53Targets_;
  export import ssm = ssm_;
  export import workspaces = workspaces_;

  const app: cdk.App;
  const stack: cdk.Stack;
}
