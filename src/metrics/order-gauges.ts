import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { CensusReader } from '../queue-reads/census-reader';
import { describeTaskQueueStats, type TaskQueueStats } from '../queue-reads/task-queue-stats';
import { safeError } from '../logger';
import { waitingOrder } from '../workflows/census-contract';
import { RECORDED_STATUSES, TERMINAL_STATUSES, TIERS, type RecordedStatus } from '../workflows/contract';
import { DEFAULT_FLOW_POLICY, planningTaskQueue, providerTaskQueue, type FlowPolicy } from '../workflows/flow-contract';
import { Cached } from './cached';
import { METRIC_PREFIX } from './registry';

export interface OrderGaugesOptions {
  client: Client;
  taskQueue: string;
  /** The tier policy (QUEUE_MAX_WAIT_*) orders are held to. */
  flowPolicy?: FlowPolicy;
  /** How long one set of task-queue statistics is reused between scrapes; default 10 s. */
  cacheMs?: number;
  /** The queue census the order gauges come from (never visibility). */
  census: CensusReader;
  logger: Logger;
}

async function readTaskQueues(options: OrderGaugesOptions): Promise<TaskQueueStats[]> {
  const { client, taskQueue, logger } = options;
  const queues: Array<[string, TaskQueueStats['kind']]> = [
    [taskQueue, 'workflow'],
    [taskQueue, 'activity'],
    [providerTaskQueue(taskQueue), 'activity'],
    [planningTaskQueue(taskQueue), 'activity'],
  ];
  const stats = await Promise.all(
    queues.map(([name, kind]) =>
      describeTaskQueueStats(client, name, kind).catch((err: unknown) => {
        logger.debug({ taskQueue: name, kind, err: safeError(err) }, 'task queue statistics unavailable for metrics');
        return null;
      }),
    ),
  );
  return stats.filter((q): q is TaskQueueStats => q !== null);
}

/**
 * Gauges from the queue census (orders by status and tier, orders waiting longer than their tier's QUEUE_MAX_WAIT, its
 * age) and from DescribeTaskQueue (task-queue backlogs, cached for `cacheMs`): a scrape makes no visibility request.
 */
export function registerOrderGauges(registry: Registry, options: OrderGaugesOptions): void {
  const { logger } = options;
  const policy = options.flowPolicy ?? DEFAULT_FLOW_POLICY;
  const taskQueues = new Cached(() => readTaskQueues(options), options.cacheMs ?? 10_000);
  const census = () => options.census.read();
  new Gauge({
    name: `${METRIC_PREFIX}visibility_up`,
    help: '1 while the queue census (the one reader of Temporal visibility) is fresh, 0 when the order gauges show an older census or none',
    registers: [registry],
    async collect() {
      this.set((await census()).state === 'fresh' ? 1 : 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}queue_census_age_seconds`,
    help: 'Age of the queue census the order gauges come from (taken every 10 s)',
    registers: [registry],
    async collect() {
      const { ageSeconds } = await census();
      this.reset();
      if (ageSeconds !== null) this.set(ageSeconds);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}orders`,
    help: 'Orders by recorded status (provisioning steps together as PROVISIONING) and tier (queue census: running statuses count running workflows; ACTIVE, FAILED and CANCELLED every retained one, refreshed every minute)',
    labelNames: ['status', 'tier'],
    registers: [registry],
    async collect() {
      const { census: c } = await census();
      this.reset();
      if (!c) return;
      for (const status of RECORDED_STATUSES) {
        const terminal = (TERMINAL_STATUSES as readonly RecordedStatus[]).includes(status);
        const counts = terminal ? c.finished?.byStatusTier[status] : c.running.byStatusTier[status];
        if (terminal && !c.finished) continue;
        for (const tier of TIERS) this.set({ status, tier }, counts?.[tier] ?? 0);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}orders_over_queue_wait`,
    help: "Orders still QUEUED longer after their start than their tier's QUEUE_MAX_WAIT (queue-wait SLA breached now)",
    labelNames: ['tier'],
    registers: [registry],
    async collect() {
      const { census: c } = await census();
      this.reset();
      if (!c) return;
      const now = Date.now();
      const over = Object.fromEntries(TIERS.map((tier) => [tier, 0]));
      for (const entry of c.waiting) {
        const order = waitingOrder(entry);
        if (order.status === 'QUEUED' && now - order.startMs > policy[order.tier].maxQueueWaitMs) over[order.tier] += 1;
      }
      for (const tier of TIERS) this.set({ tier }, over[tier]);
    },
  });
  const labels = ['task_queue', 'kind'] as const;
  const queues = async () =>
    taskQueues.get().then(
      (r) => r.value,
      (err: unknown) => {
        logger.debug({ err: safeError(err) }, 'task queue statistics unavailable for metrics');
        return [] as TaskQueueStats[];
      },
    );
  new Gauge({
    name: `${METRIC_PREFIX}task_queue_backlog`,
    help: 'Tasks waiting in a task queue (Temporal DescribeTaskQueue, approximate)',
    labelNames: labels,
    registers: [registry],
    async collect() {
      const value = await queues();
      this.reset();
      for (const q of value) this.set({ task_queue: q.name, kind: q.kind }, q.backlog);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}task_queue_backlog_age_seconds`,
    help: 'Age of the oldest task waiting in a task queue',
    labelNames: labels,
    registers: [registry],
    async collect() {
      const value = await queues();
      this.reset();
      for (const q of value) this.set({ task_queue: q.name, kind: q.kind }, q.oldestAgeSeconds);
    },
  });
}
