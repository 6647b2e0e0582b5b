import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { PterodactylClient, Server } from '../provider';
import { adoptServer } from '../server-adoption';
import { describeIfFound } from '../temporal-errors';
import { orderWorkflowId } from '../workflows/contract';
import { isOwnMarker, orderIdOfMarker } from '../workflows/own-server';
import type { ReconcilePolicy, StrayFinding } from '../workflows/reconcile-contract';
import { serverEntityWorkflowId } from '../workflows/server-entity-contract';

export interface StrayDeps {
  client: Client;
  panel: PterodactylClient;
  logger: Logger;
  taskQueue: string;
}

/** How long adoption may wait for a running order's state query. */
const QUERY_TIMEOUT_MS = 5_000;

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  return (await describeIfFound(client.workflow.getHandle(workflowId)))?.status.name === 'RUNNING';
}

/**
 * What becomes of a panel server carrying our marker that no listed entity or running order holds: `in_use` when a
 * direct read finds its entity or order running after all (visibility lags); otherwise reported, adopted into an
 * entity from its order's record (policy `adopt`, when Temporal still has the order) or deleted (policy `delete`:
 * only a server whose external_id is exactly our marker).
 */
export async function strayAction(
  deps: StrayDeps,
  server: Server,
  policy: ReconcilePolicy['strays'],
): Promise<StrayFinding | 'in_use'> {
  const externalId = server.external_id ?? '';
  const orderId = orderIdOfMarker(externalId);
  if (orderId !== null) {
    const running = await Promise.all([
      isRunning(deps.client, serverEntityWorkflowId(orderId)),
      isRunning(deps.client, orderWorkflowId(orderId)),
    ]);
    if (running.some(Boolean)) return 'in_use';
  }
  const finding = { serverId: server.id, externalId, orderId };
  if (policy === 'report') return { ...finding, action: 'reported', detail: 'no entity holds it' };
  if (policy === 'adopt') {
    if (orderId === null)
      return { ...finding, action: 'failed', detail: 'its order id cannot be read from the marker' };
    const outcome = await adoptServer({ ...deps, queryTimeoutMs: QUERY_TIMEOUT_MS }, orderId);
    return outcome === 'running'
      ? { ...finding, action: 'adopted', detail: 'adopted into an entity from its order' }
      : { ...finding, action: 'failed', detail: `not adopted: ${outcome.replace('_', ' ')}` };
  }
  const current = await deps.panel.getServer(server.id);
  if (current.external_id !== externalId || !isOwnMarker(externalId))
    return { ...finding, action: 'failed', detail: 'its external_id changed; left untouched' };
  const outcome = await deps.panel.deleteServer(server.id);
  deps.logger.warn({ serverId: server.id, externalId, outcome }, 'stray server deleted by the reconciliation sweep');
  return { ...finding, action: 'deleted', detail: outcome === 'deleted' ? 'deleted' : 'already gone' };
}
