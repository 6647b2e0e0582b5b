import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { TaskQueueType, RateLimitSource } = temporal.api.enums.v1;

type Stats = temporal.api.taskqueue.v1.ITaskQueueStats;

export interface BacklogStats {
  /** Tasks waiting for a worker (approximate, as Temporal reports it). */
  backlog: number;
  /** Age of the oldest waiting task, seconds. */
  oldestAgeSeconds: number;
  addRatePerSecond: number;
  dispatchRatePerSecond: number;
  /** True when the queue's dispatch rate limit held tasks back lately. */
  rateLimited: boolean;
}

export interface TaskQueueStats extends BacklogStats {
  name: string;
  kind: 'workflow' | 'activity';
  /** Backlog by task priority key (1 first). */
  byPriority: Record<string, BacklogStats>;
  /** Dispatch rate limit set on the queue (by the API or a worker), tasks per second; null when none. */
  rateLimitPerSecond: number | null;
}

const seconds = (duration: Stats['approximateBacklogAge']) =>
  duration ? Number(duration.seconds ?? 0) + Number(duration.nanos ?? 0) / 1e9 : 0;

function backlogStats(stats: Stats | null | undefined): BacklogStats {
  return {
    backlog: Number(stats?.approximateBacklogCount ?? 0),
    oldestAgeSeconds: Math.round(seconds(stats?.approximateBacklogAge) * 1000) / 1000,
    addRatePerSecond: stats?.tasksAddRate ?? 0,
    dispatchRatePerSecond: stats?.tasksDispatchRate ?? 0,
    rateLimited: stats?.rateLimitingActive ?? false,
  };
}

/** Backlog statistics and rate limit of one task queue (DescribeTaskQueue with reportStats and reportConfig). */
export async function describeTaskQueueStats(
  client: Client,
  name: string,
  kind: TaskQueueStats['kind'],
): Promise<TaskQueueStats> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name },
    taskQueueType:
      kind === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportStats: true,
    reportConfig: true,
  });
  const limit = response.effectiveRateLimit;
  const limitSet =
    limit?.rateLimitSource === RateLimitSource.RATE_LIMIT_SOURCE_API ||
    limit?.rateLimitSource === RateLimitSource.RATE_LIMIT_SOURCE_WORKER;
  return {
    name,
    kind,
    ...backlogStats(response.stats),
    byPriority: Object.fromEntries(
      Object.entries(response.statsByPriorityKey ?? {}).map(([key, stats]) => [key, backlogStats(stats)]),
    ),
    rateLimitPerSecond: limitSet && limit?.requestsPerSecond ? limit.requestsPerSecond : null,
  };
}
