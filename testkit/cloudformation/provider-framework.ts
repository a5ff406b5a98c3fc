// What the simulator plays of aws-cdk-lib's custom-resources Provider framework, read from the framework's
// own shipped runtime so that a change in aws-cdk-lib changes (or breaks) the simulator with it. The runtime
// cannot simply be required: it needs @aws-sdk/client-lambda, which the Lambda runtime provides and this
// repository does not install.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The framework's runtime module that answers CloudFormation (safeHandler, submitResponse). */
export const FRAMEWORK_RESPONSE_MODULE = path.join(
  path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resources/lib/provider-framework/runtime/cfn-response.js',
);

const source = fs.readFileSync(FRAMEWORK_RESPONSE_MODULE, 'utf8');

function exportedString(name: string): string {
  const match = new RegExp(`exports\\.${name}\\s*=\\s*"([^"]+)"`).exec(source);
  if (!match) throw new Error(`aws-cdk-lib's Provider framework no longer exports ${name} from ${FRAMEWORK_RESPONSE_MODULE}`);
  return match[1];
}

/** The physical id the Provider framework reports for a failed Create (CREATE_FAILED_PHYSICAL_ID_MARKER). */
export const CREATE_FAILED_MARKER = exportedString('CREATE_FAILED_PHYSICAL_ID_MARKER');

/** The physical id the framework reports when a handler's answer names none (MISSING_PHYSICAL_ID_MARKER). */
export const MISSING_PHYSICAL_ID_MARKER = exportedString('MISSING_PHYSICAL_ID_MARKER');

/**
 * True when the shipped framework still answers a Delete of CREATE_FAILED_MARKER with SUCCESS without invoking
 * the handler (the rule the simulator plays); checked by the emulator tests.
 */
export const FRAMEWORK_SKIPS_DELETE_OF_FAILED_CREATE =
  /RequestType===?"Delete"&&event\.PhysicalResourceId===?exports\.CREATE_FAILED_PHYSICAL_ID_MARKER\)\{[^}]*submitResponse\("SUCCESS"/.test(source.replace(/\s+/g, ''));
