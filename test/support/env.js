// Tests never reach AWS: skip aws-cdk-lib's built-in template validation (slow, ~300 MB per app)
// and silence Node 20 end-of-life notices from jsii and the SDK.
process.env.CDK_VALIDATION = 'false';
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
