import type { Logger } from 'pino';
import type { PterodactylClient } from '../provider';
import type { AllocationReservations } from './reservations';

/** What the activities need from the outside world; the worker wires the real ones, tests the simulated panel. */
export interface ActivityDeps {
  provider: PterodactylClient;
  logger: Logger;
  reservations: AllocationReservations;
  /** How often install polls the panel while a server is installing; default 3000 ms. */
  installPollMs?: number;
}

export const DEFAULT_INSTALL_POLL_MS = 3000;
