import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { countOrders, ordersIn, timeLiteral } from '../api/order-visibility';
import { describeTaskQueueStats, type TaskQueueStats } from '../api/task-queue-stats';
import { safeError } from '../logger';
import { ORDER_STATUSES, PROVISION_WORKFLOW_TYPE, TERMINAL_STATUSES, TIERS, TierAttribute, type OrderStatus, type Tier } from '../workflows/contract';
import { DEFAULT_FLOW_POLICY, planningTaskQueue, providerTaskQueue, type FlowPolicy } from '../workflows/flow-contract';
import { Cached } from './cached';
import { METRIC_PREFIX } from './registry';

export interface OrderGaugesOptions {
  client: Client;
  taskQueue: string;
  /** The tier policy (QUEUE_MAX_WAIT_*) orders are held to. */
  flowPolicy?: FlowPolicy;
  /** How long one set of visibility counts is reused between scrapes; default 10 s. */
  cacheMs?: number;
  logger: Logger;
}

interface Counts {
  orders: Array<{ status: OrderStatus; tier: Tier; count: number }>;
  overQueueWait: Array<{ tier: Tier; count: number }>;
  taskQueues: TaskQueueStats[];
}

const byTier = (tier: Tier) => `${TierAttribute.name} = '${tier}'`;

/** Terminal orders counted whatever their execution's state; waiting and running ones only while their workflow runs. */
function statusClauses(status: OrderStatus): string[] {
  if (!TERMINAL_STATUSES.includes(status)) return ordersIn([status]);
  return [`WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`, `OrderStatus = '${status}'`];
}

async function readCounts(options: OrderGaugesOptions, logger: Logger): Promise<Counts> {
  const { client, taskQueue } = options;
  const policy = options.flowPolicy ?? DEFAULT_FLOW_POLICY;
  const now = Date.now();
  const pairs = ORDER_STATUSES.flatMap((status) => TIERS.map((tier) => ({ status, tier })));
  const queues: Array<[string, TaskQueueStats['kind']]> = [
    [taskQueue, 'workflow'], [taskQueue, 'activity'], [providerTaskQueue(taskQueue), 'activity'],
    [planningTaskQueue(taskQueue), 'activity'],
  ];
  const [orders, overQueueWait, taskQueues] = await Promise.all([
    Promise.all(pairs.map(async (p) => ({ ...p, count: await countOrders(client, [...statusClauses(p.status), byTier(p.tier)]) }))),
    Promise.all(TIERS.map(async (tier) => ({
      tier,
      count: await countOrders(client, [
        ...ordersIn(['QUEUED']), byTier(tier), `StartTime < ${timeLiteral(new Date(now - policy[tier].maxQueueWaitMs))}`,
      ]),
    }))),
    Promise.all(queues.map(([name, kind]) => describeTaskQueueStats(client, name, kind).catch((err: unknown) => {
      logger.debug({ taskQueue: name, kind, err: safeError(err) }, 'task queue statistics unavailable for metrics');
      return null;
    }))),
  ]);
  return { orders, overQueueWait, taskQueues: taskQueues.filter((q): q is TaskQueueStats => q !== null) };
}

/**
 * Gauges read from Temporal visibility on scrape (cached for `cacheMs`): orders by status and tier, orders waiting
 * for their first dispatch longer than their tier's QUEUE_MAX_WAIT, and the task queues' backlog.
 */
export function registerOrderGauges(registry: Registry, options: OrderGaugesOptions): void {
  const logger = options.logger;
  const counts = new Cached(() => readCounts(options, logger), options.cacheMs ?? 10_000);
  const up = new Gauge({
    name: `${METRIC_PREFIX}visibility_up`, help: '1 when the last visibility read for these gauges succeeded, 0 when they show older values or none',
    registers: [registry],
    async collect() {
      await read();
    },
  });
  const read = async () => {
    try {
      const { value, fresh } = await counts.get();
      up.set(fresh ? 1 : 0);
      return value;
    } catch (err) {
      logger.debug({ err: safeError(err) }, 'visibility counts unavailable for metrics');
      up.set(0);
      return undefined;
    }
  };
  new Gauge({
    name: `${METRIC_PREFIX}orders`,
    help: 'Orders by status and tier (Temporal visibility; waiting and running statuses count running workflows only)',
    labelNames: ['status', 'tier'], registers: [registry],
    async collect() {
      const value = await read();
      this.reset();
      for (const o of value?.orders ?? []) this.set({ status: o.status, tier: o.tier }, o.count);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}orders_over_queue_wait`,
    help: 'Orders still QUEUED longer after their start than their tier\'s QUEUE_MAX_WAIT (queue-wait SLA breached now)',
    labelNames: ['tier'], registers: [registry],
    async collect() {
      const value = await read();
      this.reset();
      for (const o of value?.overQueueWait ?? []) this.set({ tier: o.tier }, o.count);
    },
  });
  const labels = ['task_queue', 'kind'] as const;
  new Gauge({
    name: `${METRIC_PREFIX}task_queue_backlog`, help: 'Tasks waiting in a task queue (Temporal DescribeTaskQueue, approximate)',
    labelNames: labels, registers: [registry],
    async collect() {
      const value = await read();
      this.reset();
      for (const q of value?.taskQueues ?? []) this.set({ task_queue: q.name, kind: q.kind }, q.backlog);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}task_queue_backlog_age_seconds`, help: 'Age of the oldest task waiting in a task queue',
    labelNames: labels, registers: [registry],
    async collect() {
      const value = await read();
      this.reset();
      for (const q of value?.taskQueues ?? []) this.set({ task_queue: q.name, kind: q.kind }, q.oldestAgeSeconds);
    },
  });
}
