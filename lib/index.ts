export * from './alias-handler-options';
export * from './connection-alias';
export * from './connection-alias-attributes';
export * from './connection-alias-association';
export * from './email-address-alias';
export * from './redirection-record';
