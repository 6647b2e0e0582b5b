export { provisionServer } from './provision-server';
