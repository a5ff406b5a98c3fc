export * from './backoff';
export * from './virtual-clock';
