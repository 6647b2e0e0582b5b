import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  PROVISIONING_STATUSES,
  PROVISION_WORKFLOW_TYPE,
  isWaiting,
  orderStateQuery,
  orderWorkflowId,
} from '../workflows/contract';
import type { FlowPolicy } from '../workflows/flow-contract';
import type { HostAllowList } from '../net/allow-list';
import { safeError } from '../logger';
import { ApiError, orderNotFound } from './errors';
import type { Admission } from './admission';
import {
  summaryFromExecution,
  viewFromEntity,
  viewFromExecution,
  viewFromState,
  withTemporalUi,
  type OrderSummary,
  type OrderView,
} from './order-view';
import type { QueuePlace, WaitingOrderFacts } from './queue-position';
import type { ListOrdersQuery } from './schemas';
import { isTemporalUnavailable, isTemporalUnreachable, isWorkflowNotFound } from '../temporal-errors';
import type { EggRules } from './egg-rules';
import { readServerEntity } from './server-entities';
import { visibilityPage } from './visibility-page';
import { inList } from '../temporal-listing';

export interface OrdersDeps {
  client: Client;
  taskQueue: string;
  logger: Logger;
  /** How long GET /v1/orders/:id waits for the workflow to answer its state query before falling back. */
  queryTimeoutMs: number;
  /** Queue position and ETA of a waiting order. */
  queuePlace: (order: WaitingOrderFacts) => Promise<QueuePlace>;
  /** MAX_INFLIGHT_PER_USER for new orders, through the users' admission shards. */
  admission: Admission;
  /** Tier policy handed to each new order's workflow. */
  flowPolicy: FlowPolicy;
  /** True when CALLBACK_SECRETS or CALLBACK_SECRET is set; orders with a callbackUrl are refused (400) otherwise. */
  callbacksConfigured?: boolean;
  /** CALLBACK_ALLOWED_HOSTS; without it a callbackUrl must name a public address (or a hostname, checked later). */
  callbackAllowedHosts?: HostAllowList;
  /** TEMPORAL_UI_URL: when set, orders carry `links.temporalUi` (their history in the Temporal UI). */
  temporalUiUrl?: string;
  /** The egg rules new orders' variables are checked against (400); without it the create step checks them. */
  eggRules?: Pick<EggRules, 'checkOrder'>;
}

type Handle = ReturnType<Client['workflow']['getHandle']>;

async function describe(handle: Handle, orderId: string) {
  try {
    return await handle.describe();
  } catch (err) {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  }
}

async function currentView(
  deps: OrdersDeps,
  handle: Handle,
  orderId: string,
): Promise<{ view: OrderView; startTime?: Date }> {
  try {
    const state = await deps.client.withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(orderStateQuery));
    return { view: viewFromState(state) };
  } catch (err) {
    if (isWorkflowNotFound(err)) {
      const entity = await readServerEntity(deps, orderId);
      if (entity) return { view: viewFromEntity(entity) };
      throw orderNotFound(orderId);
    }
    if (isTemporalUnreachable(err)) throw err;
    deps.logger.debug(
      { orderId, reason: err instanceof Error ? err.message : String(err) },
      'state query unanswered; using visibility',
    );
  }
  const described = await describe(handle, orderId);
  return { view: viewFromExecution(described), startTime: described.startTime };
}

async function withQueuePlace(
  deps: OrdersDeps,
  handle: Handle,
  { view, startTime: known }: Awaited<ReturnType<typeof currentView>>,
): Promise<OrderView> {
  if (!isWaiting(view.status)) return view;
  try {
    const startTime = known ?? (await describe(handle, view.orderId)).startTime;
    if (view.tier === null || view.userId === null)
      return { ...view, queue: { position: null, etaSeconds: null, asOf: null } };
    return { ...view, queue: await deps.queuePlace({ tier: view.tier, userId: view.userId, startTime }) };
  } catch (err) {
    if (err instanceof ApiError || isTemporalUnavailable(err)) throw err;
    deps.logger.warn({ orderId: view.orderId, err: safeError(err) }, 'queue position unavailable');
    return { ...view, queue: { position: null, etaSeconds: null, asOf: null } };
  }
}

/**
 * The order as its workflow reports it; when no worker answers in time, as Temporal records it; once retention
 * removed its workflow, as its server's entity keeps it. A waiting order also gets its queue position and ETA.
 */
export async function getOrder(deps: OrdersDeps, orderId: string): Promise<OrderView> {
  const handle = deps.client.workflow.getHandle(orderWorkflowId(orderId));
  const view = await withQueuePlace(deps, handle, await currentView(deps, handle, orderId));
  return withTemporalUi(view, deps.temporalUiUrl, deps.client.options.namespace);
}

export function visibilityQuery(filters: Pick<ListOrdersQuery, 'userId' | 'status' | 'tier'>): string {
  const clauses = [`WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`];
  if (filters.userId !== undefined) clauses.push(`UserId = ${filters.userId}`);
  if (filters.status === 'PROVISIONING')
    clauses.push(`OrderStatus IN ${inList(['PROVISIONING', ...PROVISIONING_STATUSES])}`);
  else if (filters.status) clauses.push(`OrderStatus = '${filters.status}'`);
  if (filters.tier) clauses.push(`Tier = '${filters.tier}'`);
  return clauses.join(' AND ');
}

export interface OrderPage {
  orders: OrderSummary[];
  nextCursor: string | null;
}

/**
 * One page of orders through Temporal visibility, in Temporal's default order: running orders first, newest first,
 * then finished ones by close time, newest first.
 */
export async function listOrders(deps: OrdersDeps, params: ListOrdersQuery): Promise<OrderPage> {
  const { client } = deps;
  const page = await visibilityPage(client, visibilityQuery(params), params.limit, params.cursor);
  return {
    orders: page.executions.map((info) =>
      withTemporalUi(summaryFromExecution(info), deps.temporalUiUrl, client.options.namespace),
    ),
    nextCursor: page.nextCursor,
  };
}
