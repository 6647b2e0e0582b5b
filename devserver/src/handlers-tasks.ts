import type { Ctx } from './ctx';
import { completeActivity, cancelActivity, failActivity, heartbeatActivity } from './activity-results';
import { completeWorkflowTask, failWorkflowTask } from './complete';
import { requireField } from './errors';
import { temporal, Plain } from './proto';
import { respondQueryTask } from './queries';
import type { Handlers } from './rpc';
import { isOpen, moveToNormalQueue } from './wft';

type WS = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof WS> = WS[K] extends { create(p?: infer P): unknown } ? Plain<P> : never;

/** Worker-facing RPCs: polls and task completions. */
export function taskHandlers(ctx: Ctx): Handlers {
  const tx = <T>(fn: () => T) => ctx.tx(fn);
  return {
    PollWorkflowTaskQueue: async (req: Req<'PollWorkflowTaskQueueRequest'>, signal, deadline) => {
      requireField(req.taskQueue?.name, 'TaskQueue');
      const ns = ctx.namespace(req.namespace).name;
      if (ctx.workerShutDown(req.workerInstanceKey)) return {};
      return (await ctx.workflowQueue(ns, req.taskQueue!.name!).poll(req.identity ?? '', signal, deadline, undefined, req.workerInstanceKey ?? undefined)) ?? {};
    },
    PollActivityTaskQueue: async (req: Req<'PollActivityTaskQueueRequest'>, signal, deadline) => {
      requireField(req.taskQueue?.name, 'TaskQueue');
      const ns = ctx.namespace(req.namespace).name;
      const queue = ctx.activityQueue(ns, req.taskQueue!.name!);
      const rate = req.taskQueueMetadata?.maxTasksPerSecond?.value ?? undefined;
      if (rate !== undefined) queue.setRateLimit(rate);
      if (ctx.workerShutDown(req.workerInstanceKey)) return {};
      return (await queue.poll(req.identity ?? '', signal, deadline, rate, req.workerInstanceKey ?? undefined)) ?? {};
    },
    RespondWorkflowTaskCompleted: (req: Req<'RespondWorkflowTaskCompletedRequest'>) => tx(() => completeWorkflowTask(ctx, req)),
    RespondWorkflowTaskFailed: (req: Req<'RespondWorkflowTaskFailedRequest'>) => tx(() => failWorkflowTask(ctx, req)),
    RespondQueryTaskCompleted: (req: Req<'RespondQueryTaskCompletedRequest'>) => respondQueryTask(ctx, req),
    RespondActivityTaskCompleted: (req: Req<'RespondActivityTaskCompletedRequest'>) => tx(() => completeActivity(ctx, req, false)),
    RespondActivityTaskCompletedById: (req: Req<'RespondActivityTaskCompletedByIdRequest'>) => tx(() => completeActivity(ctx, req, true)),
    RespondActivityTaskFailed: (req: Req<'RespondActivityTaskFailedRequest'>) => tx(() => failActivity(ctx, req, false)),
    RespondActivityTaskFailedById: (req: Req<'RespondActivityTaskFailedByIdRequest'>) => tx(() => failActivity(ctx, req, true)),
    RespondActivityTaskCanceled: (req: Req<'RespondActivityTaskCanceledRequest'>) => tx(() => cancelActivity(ctx, req, false)),
    RespondActivityTaskCanceledById: (req: Req<'RespondActivityTaskCanceledByIdRequest'>) => tx(() => cancelActivity(ctx, req, true)),
    RecordActivityTaskHeartbeat: (req: Req<'RecordActivityTaskHeartbeatRequest'>) => tx(() => heartbeatActivity(ctx, req, false)),
    RecordActivityTaskHeartbeatById: (req: Req<'RecordActivityTaskHeartbeatByIdRequest'>) => tx(() => heartbeatActivity(ctx, req, true)),
    ShutdownWorker: (req: Req<'ShutdownWorkerRequest'>) => tx(() => {
      const ns = ctx.namespace(req.namespace).name;
      if (req.workerInstanceKey) ctx.shutDownWorker(req.workerInstanceKey);
      if (!req.stickyTaskQueue) return {};
      ctx.workflowQueues.get(`${ns}/${req.stickyTaskQueue}`)?.releasePollers();
      ctx.workflowQueues.delete(`${ns}/${req.stickyTaskQueue}`);
      for (const run of ctx.runs.values()) {
        if (run.state.namespace === ns && run.state.stickyQueue === req.stickyTaskQueue && isOpen(run)) moveToNormalQueue(ctx, run);
      }
      return {};
    }),
    ResetStickyTaskQueue: (req: Req<'ResetStickyTaskQueueRequest'>) => tx(() => {
      const run = ctx.getRun(ctx.namespace(req.namespace).name, req.execution?.workflowId, req.execution?.runId);
      moveToNormalQueue(ctx, run);
      return {};
    }),
  };
}
