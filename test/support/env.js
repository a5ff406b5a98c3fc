// Tests never reach AWS. CDK_VALIDATION=false skips the built-in template validation that aws-cdk-lib
// >= 2.27x runs on every synth (slow, ~300 MB per app); 2.257 does not have it yet, but the compatibility
// run (scripts/compat-latest.sh) tests against the newest 2.x, which does. The rest silences Node 20
// end-of-life notices from jsii and the SDK.
process.env.CDK_VALIDATION = 'false';
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
