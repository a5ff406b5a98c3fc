export * from './plans';
export * from './matrix';
