export { provisionServer } from './provision-server';
export { flowControl } from './flow-control';
export { serverOperation } from './server-operation';
export { serverLifecycle } from './server-lifecycle';
export { reconciliationSweep } from './reconciliation-sweep';
