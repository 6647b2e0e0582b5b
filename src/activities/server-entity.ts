import type { Client } from '@temporalio/client';
import { startServerEntityWorkflow } from '../temporal-entities';
import type { EntityActivities } from '../workflows/activity-contract';

/** Starts the entity of an order's server on the order task queue (idempotent: see startServerEntityWorkflow). */
export function entityActivities(deps: { client: Client }): EntityActivities {
  return {
    async startServerEntity({ taskQueue, entity }) {
      return { started: (await startServerEntityWorkflow(deps.client, taskQueue, entity)) === 'running' };
    },
  };
}
