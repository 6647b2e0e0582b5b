import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Logger } from 'pino';
import { startServerEntityWorkflow } from './temporal-entities';
import { describeIfFound } from './temporal-errors';
import { orderStateQuery, orderWorkflowId, type Order, type OrderState } from './workflows/contract';
import { operationOf, serverOperationWorkflowId, type OperationState } from './workflows/server-operation-contract';

export interface AdoptionDeps {
  client: Client;
  /** The order task queue, where entities run. */
  taskQueue: string;
  logger: Logger;
  /** How long a running order's state query may take. */
  queryTimeoutMs: number;
}

/** `running`: the order's server has a running entity now; otherwise why it gets none. */
export type Adoption = 'running' | 'no_order' | 'not_active' | 'deleted' | 'ended';

async function orderInput(client: Client, orderId: string): Promise<Order | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: orderWorkflowId(orderId) },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads?.length) return undefined;
  return decodeFromPayloadsAtIndex<Order>(client.options.loadedDataConverter, 0, payloads);
}

/** Whether a delete operation started through the API removed the server (the operation id's latest run). */
async function deletedDirectly(client: Client, orderId: string): Promise<boolean> {
  const handle = client.workflow.getHandle(serverOperationWorkflowId(orderId));
  const latest = await describeIfFound(handle);
  if (!latest || latest.status.name !== 'COMPLETED' || operationOf(latest) !== 'delete') return false;
  return ((await handle.result()) as OperationState).deprovisioned;
}

/**
 * Gives the server of an ACTIVE order without a running entity its entity, on first use: orders that finished before
 * entities existed, entities stopped by hand, and an order that has just become ACTIVE and is about to start its own
 * (whichever starts first, the other finds it). Started from the order's recorded server, limits and callbackUrl like
 * a new order's; a server deleted by an operation, or whose entity completed, is not adopted. Reads the order's result
 * (or state query) and first history event, no visibility.
 */
export async function adoptServer(deps: AdoptionDeps, orderId: string): Promise<Adoption> {
  const { client } = deps;
  const handle = client.workflow.getHandle(orderWorkflowId(orderId));
  const described = await describeIfFound(handle);
  if (!described) return 'no_order';
  const name = described.status.name;
  if (name !== 'COMPLETED' && name !== 'RUNNING') return 'not_active';
  const state: OrderState | undefined =
    name === 'COMPLETED'
      ? await handle.result()
      : await client
          .withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(orderStateQuery))
          .catch(() => undefined);
  if (state?.status !== 'ACTIVE' || !state.server) return 'not_active';
  if (await deletedDirectly(client, orderId)) return 'deleted';
  const order = await orderInput(client, orderId);
  const outcome = await startServerEntityWorkflow(client, deps.taskQueue, {
    orderId,
    userId: state.userId,
    tier: state.tier,
    externalId: state.externalId ?? orderId,
    server: state.server,
    order: { createdAt: state.createdAt, activeAt: state.updatedAt, timeline: state.timeline },
    ...(order?.limits ? { limits: order.limits } : {}),
    ...(order?.callbackUrl ? { callbackUrl: order.callbackUrl } : {}),
  });
  deps.logger.info({ orderId, serverId: state.server.id, outcome }, 'server adopted into an entity');
  return outcome;
}
