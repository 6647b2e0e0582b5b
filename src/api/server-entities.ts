import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  billingUpdate,
  serverEntityWorkflowId,
  serverStateQuery,
  type BillingPolicy,
  type BillingRequest,
  type ServerEntityState,
} from '../workflows/server-entity-contract';
import { ApiError } from './errors';
import { adoptServer } from '../server-adoption';
import { isWorkflowNotFound } from '../temporal-errors';

export interface ServersDeps {
  client: Client;
  /** The order task queue, where entities run (adopted ones too). */
  taskQueue: string;
  logger: Logger;
  queryTimeoutMs: number;
  billing: BillingPolicy;
}

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with its offset' });

/** POST /v1/servers/:orderId/billing. */
export const billingBodySchema = z.discriminatedUnion(
  'state',
  [
    z.strictObject({ state: z.literal('overdue'), suspendAt: isoTime.optional(), deleteAt: isoTime.optional() }),
    z.strictObject({ state: z.literal('paid') }),
  ],
  { error: 'must be overdue or paid' },
);
export type BillingBody = z.output<typeof billingBodySchema>;

/** GET /v1/servers/:orderId: the entity's state with its links. */
export type ServerView = Omit<ServerEntityState, 'order'> & { links: ServerLinks };

export interface ServerLinks {
  self: string;
  order: string;
  billing: string;
}

export function serverLinks(orderId: string): ServerLinks {
  const self = `/v1/servers/${encodeURIComponent(orderId)}`;
  return { self, order: `/v1/orders/${encodeURIComponent(orderId)}`, billing: `${self}/billing` };
}

function viewOf(state: ServerEntityState): ServerView {
  const { order: _order, ...server } = state;
  return { ...server, links: serverLinks(state.orderId) };
}

const serverNotFound = (orderId: string) =>
  new ApiError(404, 'server_not_found', `no server entity for order ${orderId}`, { orderId });

/** The state of the entity of the order's server (its query); undefined when there is none. */
export async function readServerEntity(
  deps: Pick<ServersDeps, 'client' | 'queryTimeoutMs'>,
  orderId: string,
): Promise<ServerEntityState | undefined> {
  const handle = deps.client.workflow.getHandle(serverEntityWorkflowId(orderId));
  try {
    return await deps.client.withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(serverStateQuery));
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}

/** The server of the order `orderId`, from its entity's query. */
export async function getServer(deps: ServersDeps, orderId: string): Promise<ServerView> {
  const state = await readServerEntity(deps, orderId);
  if (!state) throw serverNotFound(orderId);
  return viewOf(state);
}

/** The update the entity gets: an overdue notice with suspendAt (default now) and deleteAt (default + the tier's grace). */
export function billingRequest(
  body: BillingBody,
  state: Pick<ServerEntityState, 'tier'>,
  policy: BillingPolicy,
): BillingRequest {
  if (body.state === 'paid') return { state: 'paid' };
  const suspendAt = body.suspendAt ? Date.parse(body.suspendAt) : Date.now();
  const deleteAt = body.deleteAt ? Date.parse(body.deleteAt) : suspendAt + policy.graceMs[state.tier];
  if (deleteAt < suspendAt)
    throw new ApiError(400, 'invalid_body', 'invalid request body', {
      issues: [{ field: 'deleteAt', reason: 'must not be before suspendAt' }],
    });
  return {
    state: 'overdue',
    suspendAt: new Date(suspendAt).toISOString(),
    deleteAt: new Date(deleteAt).toISOString(),
    warningLeadMs: policy.warningLeadMs,
  };
}

/**
 * Tells the entity about payment, adopting the server of an order without a running entity first (orders from before
 * entities; an entity stopped by hand); 409 when its server is being deleted or gone.
 */
export async function setBilling(deps: ServersDeps, orderId: string, body: BillingBody): Promise<ServerView> {
  const current = await readServerEntity(deps, orderId).then(async (state) => {
    if (state || (await adoptServer(deps, orderId)) !== 'running') return state;
    return readServerEntity(deps, orderId);
  });
  if (!current) throw serverNotFound(orderId);
  const request = billingRequest(body, current, deps.billing);
  const handle = deps.client.workflow.getHandle(serverEntityWorkflowId(orderId));
  const update = () => handle.executeUpdate(billingUpdate, { args: [request] });
  try {
    const state = await update().catch(async (err: unknown) => {
      if (!isWorkflowNotFound(err) || (await adoptServer(deps, orderId)) !== 'running') throw err;
      return update();
    });
    deps.logger.info({ orderId, billing: state.billing.state, next: state.billing.next }, 'billing state set');
    return viewOf(state);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError || isWorkflowNotFound(err))
      throw new ApiError(409, 'server_gone', `the server of order ${orderId} is being deleted or gone`, {
        orderId,
        status: current.status,
        reason: err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? null) : null,
      });
    throw err;
  }
}
