import type { Ctx, Run } from './ctx';
import { notFound } from './errors';
import { applyCommands, closingCommandTypes, validateCommands } from './commands';
import { enums, temporal, Plain } from './proto';
import { dispatchQueryTasks, answerQueries } from './queries';
import { wakeUpdateWaiters } from './updates';
import { dispatchActivity } from './activities';
import type { ActivityInfo } from './state';
import { decodeToken } from './tokens';
import { flushBuffered, isOpen, materializeTransient, retryWorkflowTask, scheduleWorkflowTask } from './wft';

type CompleteRequest = Plain<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest>;
type FailRequest = Plain<temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest>;

function startedTask(ctx: Ctx, token: Uint8Array | null | undefined): Run {
  const t = decodeToken(token);
  if (t.k !== 'w') throw notFound('Task token does not name a workflow task.');
  const run = ctx.runs.get(t.rid);
  const wft = run?.state.wft;
  if (!run || !isOpen(run) || !wft || wft.version !== t.v || wft.startedEventId === undefined) {
    throw notFound('Workflow task not found.');
  }
  return run;
}

/** RespondWorkflowTaskCompleted: writes WorkflowTaskCompleted, applies commands and messages, schedules what follows. */
export function completeWorkflowTask(ctx: Ctx, req: CompleteRequest): object {
  const run = startedTask(ctx, req.taskToken);
  const s = run.state;
  const wft = s.wft!;
  answerQueries(ctx, req.queryResults);
  const commands = req.commands ?? [];
  if (s.buffered.length > 0 && commands.some((c) => closingCommandTypes.has(c.commandType ?? 0))) {
    failTask(ctx, run, enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, req.identity, undefined);
    return {};
  }
  const invalid = validateCommands(ctx, run, commands);
  if (invalid) {
    failTask(ctx, run, invalid.cause, req.identity, { message: invalid.message });
    return {};
  }
  materializeTransient(ctx, run);
  const completedEventId = Number(ctx.append(run, { workflowTaskCompletedEventAttributes: {
    scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, identity: req.identity,
    sdkMetadata: req.sdkMetadata, meteringMetadata: req.meteringMetadata,
  } }).eventId);
  s.lastWftStartedEventId = wft.startedEventId!;
  s.wft = undefined;
  ctx.cancelTimers(run, 'wft-');
  const stickyName = req.stickyAttributes?.workerTaskQueue?.name;
  s.stickyQueue = stickyName || undefined;
  s.stickyTimeoutMs = stickyName ? Number(req.stickyAttributes?.scheduleToStartTimeout?.seconds ?? 5) * 1000 : 0;
  const eager: ActivityInfo[] = [];
  applyCommands(ctx, run, commands, req.messages ?? [], completedEventId, req.identity ?? '', eager);
  const hadEvents = flushBuffered(ctx, run);
  if (isOpen(run) && (hadEvents || req.forceCreateNewWorkflowTask || hasUnsentUpdates(run))) scheduleWorkflowTask(ctx, run);
  wakeUpdateWaiters(run);
  if (!s.wft) dispatchQueryTasks(ctx, run);
  const activityTasks = eager
    .map((a) => dispatchActivity(ctx, { runId: s.runId, scheduledEventId: a.scheduledEventId, version: a.version, priority: a.priority, fairnessKey: a.fairnessKey, addedAt: 0 }, req.identity ?? ''))
    .filter((t) => t !== null);
  return { activityTasks };
}

function hasUnsentUpdates(run: Run): boolean {
  return Object.values(run.state.updates).some((u) => u.state === 'admitted');
}

/** RespondWorkflowTaskFailed. */
export function failWorkflowTask(ctx: Ctx, req: FailRequest): object {
  const run = startedTask(ctx, req.taskToken);
  failTask(ctx, run, req.cause ?? 0, req.identity, req.failure);
  return {};
}

function failTask(
  ctx: Ctx, run: Run, cause: number, identity: string | null | undefined,
  failure: Plain<temporal.api.failure.v1.IFailure> | null | undefined,
): void {
  const wft = run.state.wft;
  if (wft && !wft.transient) {
    ctx.append(run, { workflowTaskFailedEventAttributes: {
      scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, cause, failure, identity } });
  }
  for (const u of Object.values(run.state.updates)) if (u.state === 'sent') u.state = 'admitted';
  retryWorkflowTask(ctx, run);
}
