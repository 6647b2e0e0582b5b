export * from './encryption-keys';
export * from './payload-codec';
