export * from './environment';
export * from './invoke';
