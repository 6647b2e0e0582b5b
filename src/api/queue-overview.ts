import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { readFlowSnapshot, type FlowSnapshot } from '../flow/snapshot';
import { safeError } from '../logger';
import { TIERS, TierAttribute, type OrderStatus, type Tier } from '../workflows/contract';
import { FLOW_REPORT_EXPIRY_MS, planningTaskQueue, providerTaskQueue } from '../workflows/flow-contract';
import { WAITING_STATUSES, countOrders, ordersIn, type WaitingStatus } from './order-visibility';
import type { ServiceRate } from './service-rate';
import { describeTaskQueueStats, type TaskQueueStats } from './task-queue-stats';
import { isTemporalUnavailable, isTemporalUnreachable } from './temporal-errors';

export const IN_PROGRESS_STATUSES = ['ALLOCATING', 'CREATING', 'INSTALLING', 'CONFIGURING', 'VERIFYING', 'COMPENSATING'] as const satisfies readonly OrderStatus[];
type InProgressStatus = (typeof IN_PROGRESS_STATUSES)[number];

type TierBacklog = Record<WaitingStatus, number> & { total: number };

export interface FlowControlView extends Partial<Omit<FlowSnapshot, 'taskQueue'>> {
  /** `reporting`: fresh reports; `stale`: none for FLOW_REPORT_EXPIRY_MS; `not_started`: no worker ever reported; `unanswered`: no worker answered the query. */
  state: 'reporting' | 'stale' | 'not_started' | 'unanswered';
}

/** GET /v1/queue. */
export interface QueueOverview {
  generatedAt: string;
  backlog: { total: number; byTier: Record<Tier, TierBacklog>; byStatus: Record<WaitingStatus, number> };
  inProgress: { total: number; byStatus: Record<InProgressStatus, number> };
  service: ServiceRate;
  limits: { maxInflightPerUser: number };
  flowControl: FlowControlView;
  taskQueues: {
    orders: { workflow: TaskQueueStats | null; activity: TaskQueueStats | null };
    provider: TaskQueueStats | null;
    planning: TaskQueueStats | null;
  };
}

export interface QueueOverviewDeps {
  client: Client;
  taskQueue: string;
  logger: Logger;
  queryTimeoutMs: number;
  maxInflightPerUser: number;
  serviceRate: () => Promise<ServiceRate>;
}

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

async function backlog(client: Client): Promise<QueueOverview['backlog']> {
  const counts = await Promise.all(TIERS.map((tier) => Promise.all(WAITING_STATUSES.map((status) =>
    countOrders(client, [...ordersIn([status]), `${TierAttribute.name} = '${tier}'`])))));
  const byTier = Object.fromEntries(TIERS.map((tier, t) => [tier, {
    ...Object.fromEntries(WAITING_STATUSES.map((status, s) => [status, counts[t][s]])), total: sum(counts[t]),
  }])) as Record<Tier, TierBacklog>;
  const byStatus = Object.fromEntries(WAITING_STATUSES.map((status, s) => [status, sum(counts.map((c) => c[s]))])) as Record<WaitingStatus, number>;
  return { total: sum(Object.values(byStatus)), byTier, byStatus };
}

async function inProgress(client: Client): Promise<QueueOverview['inProgress']> {
  const counts = await Promise.all(IN_PROGRESS_STATUSES.map((status) => countOrders(client, ordersIn([status]))));
  return { total: sum(counts), byStatus: Object.fromEntries(IN_PROGRESS_STATUSES.map((s, i) => [s, counts[i]])) as Record<InProgressStatus, number> };
}

async function flowControl(deps: QueueOverviewDeps): Promise<FlowControlView> {
  let snapshot: FlowSnapshot | null;
  try {
    snapshot = await readFlowSnapshot(deps.client, deps.taskQueue, deps.queryTimeoutMs);
  } catch (err) {
    if (isTemporalUnreachable(err)) throw err;
    deps.logger.debug({ err: safeError(err) }, 'flow-control snapshot unanswered');
    return { state: 'unanswered' };
  }
  if (!snapshot) return { state: 'not_started' };
  const { taskQueue: _taskQueue, ...view } = snapshot;
  const fresh = snapshot.updatedAt !== null && Date.now() - Date.parse(snapshot.updatedAt) <= FLOW_REPORT_EXPIRY_MS;
  return { state: fresh ? 'reporting' : 'stale', ...view };
}

async function taskQueue(deps: QueueOverviewDeps, name: string, kind: TaskQueueStats['kind']): Promise<TaskQueueStats | null> {
  try {
    return await describeTaskQueueStats(deps.client, name, kind);
  } catch (err) {
    if (isTemporalUnavailable(err)) throw err;
    deps.logger.warn({ taskQueue: name, kind, err: safeError(err) }, 'task queue statistics unavailable');
    return null;
  }
}

/** Backlog by tier and status, work in progress, service rate, flow control (budget, breakers, nodes), task queues. */
export async function queueOverview(deps: QueueOverviewDeps): Promise<QueueOverview> {
  const provider = providerTaskQueue(deps.taskQueue);
  const [waiting, running, service, flow, workflowQueue, activityQueue, providerQueue, planningQueue] = await Promise.all([
    backlog(deps.client), inProgress(deps.client), deps.serviceRate(), flowControl(deps),
    taskQueue(deps, deps.taskQueue, 'workflow'), taskQueue(deps, deps.taskQueue, 'activity'), taskQueue(deps, provider, 'activity'),
    taskQueue(deps, planningTaskQueue(deps.taskQueue), 'activity'),
  ]);
  return {
    generatedAt: new Date().toISOString(),
    backlog: waiting,
    inProgress: running,
    service,
    limits: { maxInflightPerUser: deps.maxInflightPerUser },
    flowControl: flow,
    taskQueues: { orders: { workflow: workflowQueue, activity: activityQueue }, provider: providerQueue, planning: planningQueue },
  };
}
