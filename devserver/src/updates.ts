import { status } from '@grpc/grpc-js';
import type { Ctx, Run } from './ctx';
import { notFound, requireField, RpcError } from './errors';
import { decodeMessage, encodeMessage, enums, temporal, Plain } from './proto';
import type { UpdateInfo } from './state';
import { isOpen, scheduleWorkflowTask } from './wft';

type UpdateRequest = Plain<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest>;
type UpdateResponse = Plain<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse>;
type Message = Plain<temporal.api.protocol.v1.IMessage>;
const Stage = enums.UpdateWorkflowExecutionLifecycleStage;
const LONG_POLL_MS = 20_000;
const PREFIX = 'type.googleapis.com/';

function stageOf(u: UpdateInfo): number {
  if (u.state === 'completed' || u.state === 'rejected') return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  if (u.state === 'accepted') return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
}

/** UpdateWorkflowExecution: admits the update (once per update id) and waits for the requested stage. */
export function updateWorkflow(ctx: Ctx, req: UpdateRequest, signal: AbortSignal): Promise<UpdateResponse> {
  const run = ctx.getRun(ctx.namespace(req.namespace).name, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
  const updateId = req.request?.meta?.updateId;
  requireField(updateId, 'UpdateId');
  requireField(req.request?.input?.name, 'Update name');
  let update = run.state.updates[updateId!];
  if (!update) {
    if (!isOpen(run)) throw notFound('workflow execution already completed');
    update = { updateId: updateId!, request: req.request!, state: 'admitted' };
    run.state.updates[updateId!] = update;
    ctx.touch(run);
    scheduleWorkflowTask(ctx, run);
  }
  return waitForStage(run, update, req.waitPolicy?.lifecycleStage ?? 0, signal);
}

export function pollUpdate(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateRequest>, signal: AbortSignal): Promise<UpdateResponse> {
  const ref = req.updateRef;
  const run = ctx.getRun(ctx.namespace(req.namespace).name, ref?.workflowExecution?.workflowId, ref?.workflowExecution?.runId);
  const update = run.state.updates[ref?.updateId ?? ''];
  if (!update) throw notFound(`update ${ref?.updateId} not found`);
  return waitForStage(run, update, req.waitPolicy?.lifecycleStage ?? 0, signal);
}

function waitForStage(run: Run, update: UpdateInfo, wanted: number, signal: AbortSignal): Promise<UpdateResponse> {
  const target = wanted || Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return new Promise((resolve, reject) => {
    const waiters = run.updateWaiters.get(update.updateId) ?? new Set();
    run.updateWaiters.set(update.updateId, waiters);
    const done = () => {
      waiters.delete(check);
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
    };
    const check = () => {
      if (update.state === 'aborted') {
        done();
        reject(new RpcError(status.NOT_FOUND, 'workflow execution already completed'));
      } else if (stageOf(update) >= target) {
        done();
        resolve(response(run, update));
      }
    };
    const timer = setTimeout(() => {
      done();
      resolve(response(run, update));
    }, LONG_POLL_MS);
    signal.addEventListener('abort', done, { once: true });
    waiters.add(check);
    check();
  });
}

function response(run: Run, u: UpdateInfo): UpdateResponse {
  return {
    updateRef: { workflowExecution: { workflowId: run.state.workflowId, runId: run.state.runId }, updateId: u.updateId },
    outcome: u.outcome ?? undefined,
    stage: stageOf(u),
  };
}

export function wakeUpdateWaiters(run: Run): void {
  for (const waiters of run.updateWaiters.values()) for (const w of [...waiters]) w();
}

/** Update requests not yet delivered, as protocol messages for the workflow task being dispatched. */
export function pendingUpdateMessages(ctx: Ctx, run: Run, sequencingEventId: number): Message[] {
  const messages: Message[] = [];
  for (const u of Object.values(run.state.updates)) {
    if (u.state !== 'admitted') continue;
    u.state = 'sent';
    messages.push({
      id: `${u.updateId}/request`, protocolInstanceId: u.updateId, eventId: sequencingEventId,
      body: { type_url: `${PREFIX}temporal.api.update.v1.Request`, value: encodeMessage('temporal.api.update.v1.Request', u.request) },
    });
  }
  if (messages.length) ctx.touch(run);
  return messages;
}

/** Applies acceptance, rejection and response messages from a workflow task completion. */
export function applyUpdateMessages(ctx: Ctx, run: Run, messages: Message[], completedId: number): void {
  for (const m of messages) {
    const u = run.state.updates[m.protocolInstanceId ?? ''];
    const typeName = (m.body?.type_url ?? '').replace(PREFIX, '');
    if (!u || !m.body?.value) continue;
    if (typeName === 'temporal.api.update.v1.Acceptance') {
      const a = decodeMessage<Plain<temporal.api.update.v1.IAcceptance>>(typeName, m.body.value);
      u.acceptedEventId = Number(ctx.append(run, { workflowExecutionUpdateAcceptedEventAttributes: {
        protocolInstanceId: u.updateId, acceptedRequestMessageId: a.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: a.acceptedRequestSequencingEventId, acceptedRequest: a.acceptedRequest ?? u.request } }).eventId);
      u.state = 'accepted';
    } else if (typeName === 'temporal.api.update.v1.Rejection') {
      const r = decodeMessage<Plain<temporal.api.update.v1.IRejection>>(typeName, m.body.value);
      u.state = 'rejected';
      u.outcome = { failure: r.failure };
    } else if (typeName === 'temporal.api.update.v1.Response') {
      const r = decodeMessage<Plain<temporal.api.update.v1.IResponse>>(typeName, m.body.value);
      ctx.append(run, { workflowExecutionUpdateCompletedEventAttributes: { meta: r.meta, acceptedEventId: u.acceptedEventId, outcome: r.outcome } });
      u.state = 'completed';
      u.outcome = r.outcome;
    }
    void completedId;
  }
}

export function abortPendingUpdates(ctx: Ctx, run: Run): void {
  for (const u of Object.values(run.state.updates)) {
    if (u.state === 'admitted' || u.state === 'sent' || u.state === 'accepted') u.state = 'aborted';
  }
  wakeUpdateWaiters(run);
  void ctx;
}
