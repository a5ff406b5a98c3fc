export * from './alias-handler-options';
export * from './connection-alias';
export * from './email-address-alias';
