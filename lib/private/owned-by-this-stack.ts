import { Aws } from 'aws-cdk-lib';
import { STACK_TAG_KEY } from './validation';

// AWS::StackName rather than the name known at synth: it is what the handler reads from the StackId and tags
// with, also in a nested stack or a template deployed under another name.

/** IAM condition: the connection alias's stack tag names this stack. */
export function ownedByThisStack(): Record<string, Record<string, string>> {
  return { StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: Aws.STACK_NAME } };
}

/** IAM condition: the request (CreateConnectionAlias, CreateTags) tags the alias with this stack's name. */
export function markedForThisStack(): Record<string, Record<string, string>> {
  return { StringEquals: { [`aws:RequestTag/${STACK_TAG_KEY}`]: Aws.STACK_NAME } };
}
