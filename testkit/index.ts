// Test tools: local AWS endpoints, a CloudFormation (and Provider framework) simulator, a Lambda runner,
// a cloud-assembly reader, fault plans, virtual time and a Route 53 failover resolver. Used by the tests,
// scripts/deploy-local.ts and bench/; nothing here is shipped.
export * from './cloudformation';
export * from './clock';
export * from './emulators';
export * from './faults';
export * from './iam';
export * from './lambda';
export * from './route53';
