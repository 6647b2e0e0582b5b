import type { Ctx } from './ctx';
import { requireField } from './errors';
import type { TaskQueue, QueuedTask } from './matching';
import { enums, temporal, toDuration, toTimestamp, Plain } from './proto';

type Request = Plain<temporal.api.workflowservice.v1.IDescribeTaskQueueRequest>;
type AnyQueue = Pick<TaskQueue<QueuedTask>, 'pollerSeen' | 'backlog' | 'rateLimit' | 'oldestAddedAt' | 'byPriority' | 'added' | 'dispatched' | 'throttled'>;
const TQT = enums.TaskQueueType;
const POLLER_TTL_MS = 5 * 60_000;

function pollers(queue: AnyQueue | undefined) {
  const now = Date.now();
  return [...(queue?.pollerSeen ?? [])]
    .filter(([, seen]) => now - seen.at < POLLER_TTL_MS)
    .map(([identity, seen]) => ({ identity, lastAccessTime: toTimestamp(seen.at), ratePerSecond: seen.ratePerSecond ?? 0 }));
}

function stats(ctx: Ctx, queue: AnyQueue | undefined) {
  const oldest = queue?.oldestAddedAt();
  return {
    approximateBacklogCount: queue?.backlog ?? 0,
    approximateBacklogAge: toDuration(oldest !== undefined ? Math.max(0, ctx.clock.now() - oldest) : 0),
    tasksAddRate: queue?.added.perSecond() ?? 0,
    tasksDispatchRate: queue?.dispatched.perSecond() ?? 0,
    rateLimitingActive: queue?.throttled.any() ?? false,
  };
}

function statsByPriorityKey(ctx: Ctx, queue: AnyQueue | undefined) {
  const out: Record<number, object> = {};
  for (const [priority, level] of queue?.byPriority() ?? []) {
    out[priority] = { approximateBacklogCount: level.count, approximateBacklogAge: toDuration(Math.max(0, ctx.clock.now() - level.oldestAddedAt)) };
  }
  return out;
}

/** DescribeTaskQueue: pollers, and on request backlog statistics (overall and by priority), config and legacy status. */
export function describeTaskQueue(ctx: Ctx, req: Request) {
  requireField(req.taskQueue?.name, 'TaskQueue');
  const ns = ctx.namespace(req.namespace).name;
  const name = req.taskQueue!.name!;
  const queueOf = (type: number): AnyQueue | undefined =>
    (type === TQT.TASK_QUEUE_TYPE_ACTIVITY ? ctx.activityQueues : ctx.workflowQueues).get(`${ns}/${name}`);
  if (req.apiMode === enums.DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED) {
    const types = req.taskQueueTypes?.length ? req.taskQueueTypes : [TQT.TASK_QUEUE_TYPE_WORKFLOW, TQT.TASK_QUEUE_TYPE_ACTIVITY];
    const typesInfo = Object.fromEntries(types.map((t) => [t, {
      pollers: req.reportPollers ? pollers(queueOf(t)) : [], stats: req.reportStats ? stats(ctx, queueOf(t)) : undefined,
    }]));
    return { versionsInfo: { '': { typesInfo } } };
  }
  const type = req.taskQueueType === TQT.TASK_QUEUE_TYPE_ACTIVITY ? TQT.TASK_QUEUE_TYPE_ACTIVITY : TQT.TASK_QUEUE_TYPE_WORKFLOW;
  const queue = queueOf(type);
  const rate = queue?.rateLimit;
  return {
    pollers: pollers(queue),
    stats: req.reportStats ? stats(ctx, queue) : undefined,
    statsByPriorityKey: req.reportStats ? statsByPriorityKey(ctx, queue) : undefined,
    config: req.reportConfig ? {} : undefined,
    effectiveRateLimit: req.reportConfig && rate !== undefined
      ? { requestsPerSecond: rate, rateLimitSource: enums.RateLimitSource.RATE_LIMIT_SOURCE_WORKER } : undefined,
    taskQueueStatus: req.includeTaskQueueStatus ? { backlogCountHint: queue?.backlog ?? 0, ratePerSecond: rate ?? 0, readLevel: 0, ackLevel: 0 } : undefined,
  };
}
