import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { readFlowSnapshot, type FlowSnapshot } from '../flow/snapshot';
import { safeError } from '../logger';
import type { QueueCensus } from '../workflows/census-contract';
import { TIERS, WAITING_STATUSES, type RecordedStatus, type Tier, type WaitingStatus } from '../workflows/contract';
import { FLOW_REPORT_EXPIRY_MS, planningTaskQueue, providerTaskQueue } from '../workflows/flow-contract';
import type { CensusReading } from '../queue-reads/census-reader';
import type { QueueFigures } from './queue-figures';
import type { ServiceRate } from './service-rate';
import { describeTaskQueueStats, type TaskQueueStats } from '../queue-reads/task-queue-stats';
import { isTemporalUnavailable, isTemporalUnreachable } from '../temporal-errors';

/** Running orders past the queue, as recorded (provisioning steps together as PROVISIONING). */
export const IN_PROGRESS_STATUSES = ['PROVISIONING', 'COMPENSATING'] as const satisfies readonly RecordedStatus[];
type InProgressStatus = (typeof IN_PROGRESS_STATUSES)[number];

type TierBacklog = Record<WaitingStatus, number> & { total: number };

export interface FlowControlView extends Partial<Omit<FlowSnapshot, 'taskQueue'>> {
  /** `reporting`: fresh reports; `stale`: none for FLOW_REPORT_EXPIRY_MS; `not_started`: no worker ever reported; `unanswered`: no worker answered the query. */
  state: 'reporting' | 'stale' | 'not_started' | 'unanswered';
}

/** GET /v1/queue. */
export interface QueueOverview {
  generatedAt: string;
  /** Where `backlog`, `inProgress` and `service` come from: the queue census, taken every `intervalSeconds`. */
  census: {
    state: CensusReading['state'];
    takenAt: string | null;
    ageSeconds: number | null;
    intervalSeconds: number | null;
    truncated: boolean;
  };
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
  figures: QueueFigures;
}

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

const count = (census: QueueCensus | null, status: RecordedStatus, tier: Tier): number =>
  census?.running.byStatusTier[status]?.[tier] ?? 0;

function backlog(census: QueueCensus | null): QueueOverview['backlog'] {
  const byTier = Object.fromEntries(
    TIERS.map((tier) => {
      const counts = WAITING_STATUSES.map((status) => count(census, status, tier));
      return [
        tier,
        { ...Object.fromEntries(WAITING_STATUSES.map((status, s) => [status, counts[s]])), total: sum(counts) },
      ];
    }),
  ) as Record<Tier, TierBacklog>;
  const byStatus = Object.fromEntries(
    WAITING_STATUSES.map((status) => [status, sum(TIERS.map((tier) => count(census, status, tier)))]),
  ) as Record<WaitingStatus, number>;
  return { total: sum(Object.values(byStatus)), byTier, byStatus };
}

function inProgress(census: QueueCensus | null): QueueOverview['inProgress'] {
  const counts = IN_PROGRESS_STATUSES.map((status) => sum(TIERS.map((tier) => count(census, status, tier))));
  return {
    total: sum(counts),
    byStatus: Object.fromEntries(IN_PROGRESS_STATUSES.map((s, i) => [s, counts[i]])) as Record<
      InProgressStatus,
      number
    >,
  };
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

async function taskQueue(
  deps: QueueOverviewDeps,
  name: string,
  kind: TaskQueueStats['kind'],
): Promise<TaskQueueStats | null> {
  try {
    return await describeTaskQueueStats(deps.client, name, kind);
  } catch (err) {
    if (isTemporalUnavailable(err)) throw err;
    deps.logger.warn({ taskQueue: name, kind, err: safeError(err) }, 'task queue statistics unavailable');
    return null;
  }
}

/**
 * Backlog by tier and status, work in progress and service rate (from the queue census), flow control (budget,
 * breakers, nodes) and task queues. No visibility request: any number of viewers costs Temporal queries only.
 */
export async function queueOverview(deps: QueueOverviewDeps): Promise<QueueOverview> {
  const provider = providerTaskQueue(deps.taskQueue);
  const reading = await deps.figures.census.read();
  const { census } = reading;
  const [service, flow, workflowQueue, activityQueue, providerQueue, planningQueue] = await Promise.all([
    deps.figures.serviceRate(reading),
    flowControl(deps),
    taskQueue(deps, deps.taskQueue, 'workflow'),
    taskQueue(deps, deps.taskQueue, 'activity'),
    taskQueue(deps, provider, 'activity'),
    taskQueue(deps, planningTaskQueue(deps.taskQueue), 'activity'),
  ]);
  return {
    generatedAt: new Date().toISOString(),
    census: {
      state: reading.state,
      takenAt: census?.takenAt ?? null,
      ageSeconds: reading.ageSeconds,
      intervalSeconds: census ? census.intervalMs / 1000 : null,
      truncated: census?.running.truncated ?? false,
    },
    backlog: backlog(census),
    inProgress: inProgress(census),
    service,
    limits: { maxInflightPerUser: deps.maxInflightPerUser },
    flowControl: flow,
    taskQueues: {
      orders: { workflow: workflowQueue, activity: activityQueue },
      provider: providerQueue,
      planning: planningQueue,
    },
  };
}
