export * from './failover';
