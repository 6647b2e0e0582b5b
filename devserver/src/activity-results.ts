import type { Ctx, Run } from './ctx';
import { notFound } from './errors';
import { closeActivity, retryActivity } from './activities';
import { temporal, Plain } from './proto';
import type { ActivityInfo, Failure, Payloads } from './state';
import { decodeToken } from './tokens';
import { isOpen } from './wft';

type ById = { namespace?: string | null; workflowId?: string | null; runId?: string | null; activityId?: string | null };
type Target = { taskToken?: Uint8Array | null } & ById;

/** The running attempt a task token (or workflow id + activity id) names; NOT_FOUND if it completed or moved on. */
export function findStarted(ctx: Ctx, req: Target, byId: boolean): { run: Run; info: ActivityInfo } {
  let run: Run | undefined;
  let info: ActivityInfo | undefined;
  if (byId) {
    run = ctx.findRun(ctx.namespace(req.namespace).name, req.workflowId ?? '', req.runId);
    info = run && Object.values(run.state.activities).find((a) => a.activityId === req.activityId);
  } else {
    const t = decodeToken(req.taskToken);
    if (t.k !== 'a') throw notFound('Task token does not name an activity task.');
    run = ctx.runs.get(t.rid);
    info = run?.state.activities[t.s];
    if (info && info.version !== t.v) info = undefined;
  }
  if (!run || !info || !isOpen(run) || info.state !== 'started') throw notFound('Activity task not found.');
  return { run, info };
}

export function completeActivity(ctx: Ctx, req: Target & { result?: Payloads | null; identity?: string | null }, byId: boolean): object {
  const { run, info } = findStarted(ctx, req, byId);
  closeActivity(ctx, run, info, { activityTaskCompletedEventAttributes: {
    result: req.result, scheduledEventId: info.scheduledEventId, startedEventId: -1, identity: req.identity } });
  return {};
}

export function failActivity(
  ctx: Ctx, req: Target & { failure?: Failure | null; identity?: string | null; lastHeartbeatDetails?: Payloads | null }, byId: boolean,
): object {
  const { run, info } = findStarted(ctx, req, byId);
  if (req.lastHeartbeatDetails) info.heartbeatDetails = req.lastHeartbeatDetails;
  const failure = req.failure ?? { message: 'activity failed' };
  const retryState = retryActivity(ctx, run, info, failure);
  if (retryState === null) return {};
  closeActivity(ctx, run, info, { activityTaskFailedEventAttributes: {
    failure, scheduledEventId: info.scheduledEventId, startedEventId: -1, identity: req.identity, retryState } });
  return {};
}

export function cancelActivity(ctx: Ctx, req: Target & { details?: Payloads | null; identity?: string | null }, byId: boolean): object {
  const { run, info } = findStarted(ctx, req, byId);
  closeActivity(ctx, run, info, { activityTaskCanceledEventAttributes: {
    details: req.details, latestCancelRequestedEventId: info.cancelRequestedEventId ?? 0,
    scheduledEventId: info.scheduledEventId, startedEventId: -1, identity: req.identity } });
  return {};
}

export function heartbeatActivity(
  ctx: Ctx, req: Target & { details?: Payloads | null }, byId: boolean,
): Plain<temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatResponse> {
  const { run, info } = findStarted(ctx, req, byId);
  info.lastHeartbeatAt = ctx.clock.now();
  if (req.details) info.heartbeatDetails = req.details;
  ctx.touch(run);
  return { cancelRequested: info.cancelRequested, activityPaused: false, activityReset: false };
}
