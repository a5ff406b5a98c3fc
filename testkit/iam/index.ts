export * from './policy-evaluator';
export * from './connect';
