import type Database from 'better-sqlite3';
import type { FaultController } from './faults';
import type { ApiKeyRegistry } from './http/api-keys';
import type { ResolvedSimPanelOptions } from './options';
import type { Rng } from './rng';
import type { CallRecorder } from './stats';
import type { AllocationStore } from './store/allocations';
import type { CatalogStore } from './store/catalog';
import type { ServerStore } from './store/servers';

/** Everything a route or service of the simulated panel needs. */
export interface SimContext {
  options: ResolvedSimPanelOptions;
  db: Database.Database;
  keys: ApiKeyRegistry;
  catalog: CatalogStore;
  allocations: AllocationStore;
  servers: ServerStore;
  faults: FaultController;
  random: Rng;
  calls: CallRecorder;
  now(): number;
  reportUnexpected(error: unknown): void;
}
