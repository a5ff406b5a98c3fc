export * from './assembly';
export * from './events';
export * from './provider-framework';
export * from './simulator';
