export { provisionServer } from './provision-server';
export { flowControl } from './flow-control';
