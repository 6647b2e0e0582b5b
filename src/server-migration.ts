import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { adoptServer, type Adoption } from './server-adoption';
import { describeIfFound } from './temporal-errors';
import { listWorkflows } from './temporal-listing';
import { PROVISION_WORKFLOW_TYPE, orderIdOfOrder } from './workflows/contract';
import { serverEntityWorkflowId } from './workflows/server-entity-contract';

export interface MigrationDeps {
  client: Client;
  taskQueue: string;
  logger: Logger;
  /** Orders adopted per second at most (each costs a few point reads and a start); default 5. */
  perSecond?: number;
}

export type MigrationCounts = Record<'adopted' | 'had_entity' | Exclude<Adoption, 'running'>, number> & {
  orders: number;
  truncated: boolean;
};

/** Orders a migration lists at most. */
const MAX_ORDERS = 1_000_000;

/**
 * Adopts the server of every ACTIVE order that has no running entity (orders from before entities, entities stopped
 * by hand) at once, rather than on first use: lists the completed ACTIVE orders (paced visibility pages), skips those
 * whose entity runs (a describe), and adopts the others at `perSecond` (adoptServer: idempotent; a server deleted by an
 * operation or whose entity ended is not adopted). Safe to run again, and while the service runs.
 */
export async function adoptAllServers(deps: MigrationDeps): Promise<MigrationCounts> {
  const { workflows, truncated } = await listWorkflows(
    deps.client,
    `WorkflowType = '${PROVISION_WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed' AND OrderStatus = 'ACTIVE'`,
    { max: MAX_ORDERS },
  );
  const counts: MigrationCounts = {
    orders: workflows.length,
    truncated,
    adopted: 0,
    had_entity: 0,
    no_order: 0,
    not_active: 0,
    deleted: 0,
    ended: 0,
  };
  const gapMs = 1000 / (deps.perSecond ?? 5);
  for (const { workflowId } of workflows) {
    const orderId = orderIdOfOrder(workflowId);
    const entity = await describeIfFound(deps.client.workflow.getHandle(serverEntityWorkflowId(orderId)));
    if (entity?.status.name === 'RUNNING') {
      counts.had_entity++;
      continue;
    }
    const outcome = await adoptServer({ ...deps, queryTimeoutMs: 5_000 }, orderId);
    counts[outcome === 'running' ? 'adopted' : outcome]++;
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  deps.logger.info(counts, 'server adoption finished');
  return counts;
}
