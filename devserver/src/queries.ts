import { status } from '@grpc/grpc-js';
import type { Ctx, PendingQuery, Run } from './ctx';
import { notFound, RpcError } from './errors';
import { enums, temporal, Plain } from './proto';
import { decodeToken, encodeToken } from './tokens';
import { isOpen } from './wft';

type QueryRequest = Plain<temporal.api.workflowservice.v1.IQueryWorkflowRequest>;
type QueryResponse = Plain<temporal.api.workflowservice.v1.IQueryWorkflowResponse>;
const QR = enums.QueryRejectCondition;
const WS = enums.WorkflowExecutionStatus;
const QUERY_TIMEOUT_MS = 30_000;

/** QueryWorkflow: answered by the next workflow task (when one is due) or by a query-only task. */
export function queryWorkflow(ctx: Ctx, req: QueryRequest, signal: AbortSignal): Promise<QueryResponse> {
  const run = ctx.getRun(ctx.namespace(req.namespace).name, req.execution?.workflowId, req.execution?.runId);
  const s = run.state;
  const rejectNotOpen = req.queryRejectCondition === QR.QUERY_REJECT_CONDITION_NOT_OPEN && !isOpen(run);
  const rejectUnclean = req.queryRejectCondition === QR.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY
    && !isOpen(run) && s.status !== WS.WORKFLOW_EXECUTION_STATUS_COMPLETED;
  if (rejectNotOpen || rejectUnclean) return Promise.resolve({ queryRejected: { status: s.status } });
  return new Promise<QueryResponse>((resolve, reject) => {
    const query: PendingQuery = {
      id: ctx.newId(), queryType: req.query?.queryType ?? '', queryArgs: req.query?.queryArgs, header: req.query?.header,
      resolve: (r) => {
        cleanup();
        if (r.failure || r.errorMessage) reject(new RpcError(status.INVALID_ARGUMENT, r.errorMessage || 'query failed'));
        else resolve({ queryResult: r.answer as Plain<temporal.api.common.v1.IPayloads> });
      },
      reject: (err) => {
        cleanup();
        reject(err);
      },
    };
    const timer = setTimeout(() => query.reject(new RpcError(status.DEADLINE_EXCEEDED, 'query timed out: no worker answered')), QUERY_TIMEOUT_MS);
    const onAbort = () => query.reject(new RpcError(status.CANCELLED, 'query cancelled by caller'));
    signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      ctx.queryTasks.delete(query.id);
      const i = run.queries.indexOf(query);
      if (i >= 0) run.queries.splice(i, 1);
    };
    run.queries.push(query);
    if (!s.wft || !isOpen(run)) dispatchQueryTasks(ctx, run);
  });
}

/** Sends waiting queries as query-only tasks: on the sticky queue without history, else with the full history. */
export function dispatchQueryTasks(ctx: Ctx, run: Run): void {
  for (const query of run.queries.splice(0)) {
    const sticky = isOpen(run) && !!run.state.stickyQueue;
    ctx.queryTasks.set(query.id, { runId: run.state.runId, query, sticky });
    enqueueQuery(ctx, run, query.id, sticky);
  }
}

function enqueueQuery(ctx: Ctx, run: Run, queryId: string, sticky: boolean): void {
  const s = run.state;
  const queue = sticky ? s.stickyQueue! : s.taskQueue;
  ctx.workflowQueue(s.namespace, queue).add({ kind: 'query', queryId, priority: 1, fairnessKey: '', addedAt: ctx.clock.now() });
  if (!sticky) return;
  setTimeout(() => {
    const entry = ctx.queryTasks.get(queryId);
    if (entry && entry.sticky && !entry.dispatched) {
      entry.sticky = false;
      enqueueQuery(ctx, run, queryId, false);
    }
  }, s.stickyTimeoutMs || 5000).unref();
}

export function dispatchQueryTask(ctx: Ctx, queryId: string): unknown | null {
  const entry = ctx.queryTasks.get(queryId);
  const run = entry && ctx.runs.get(entry.runId);
  if (!entry || !run || entry.dispatched) return null;
  entry.dispatched = true;
  const s = run.state;
  return {
    taskToken: encodeToken({ k: 'q', id: queryId }),
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: { name: s.workflowType },
    query: { queryType: entry.query.queryType, queryArgs: entry.query.queryArgs, header: entry.query.header },
    history: { events: entry.sticky ? [] : run.events },
    startedEventId: entry.sticky ? 0 : s.lastWftStartedEventId,
    previousStartedEventId: entry.sticky ? 0 : s.lastWftStartedEventId,
    workflowExecutionTaskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    attempt: 1,
  };
}

/** RespondQueryTaskCompleted. */
export function respondQueryTask(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest>): object {
  const t = decodeToken(req.taskToken);
  const entry = t.k === 'q' ? ctx.queryTasks.get(t.id) : undefined;
  if (!entry) throw notFound('Query task not found: the query already timed out or was answered.');
  const answered = req.completedType === enums.QueryResultType.QUERY_RESULT_TYPE_ANSWERED;
  entry.query.resolve(answered ? { answer: req.queryResult } : { failure: req.failure, errorMessage: req.errorMessage || req.failure?.message || 'query failed' });
  return {};
}

/** Query results carried by a workflow task completion (queries attached to that task). */
export function answerQueries(ctx: Ctx, results: Record<string, Plain<temporal.api.query.v1.IWorkflowQueryResult>> | null | undefined): void {
  for (const [id, r] of Object.entries(results ?? {})) {
    const entry = ctx.queryTasks.get(id);
    if (!entry) continue;
    const answered = r.resultType === enums.QueryResultType.QUERY_RESULT_TYPE_ANSWERED;
    entry.query.resolve(answered ? { answer: r.answer } : { failure: r.failure, errorMessage: r.errorMessage || r.failure?.message || 'query failed' });
  }
}

export function failPendingQueries(ctx: Ctx, run: Run): void {
  for (const q of run.queries.splice(0)) q.reject(new RpcError(status.NOT_FOUND, 'workflow execution already completed'));
  void ctx;
}

/** Queries that rode on a workflow task that failed or timed out wait for the next task. */
export function requeueWftQueries(ctx: Ctx, run: Run): void {
  for (const [id, entry] of ctx.queryTasks) {
    if (entry.runId === run.state.runId && entry.viaWft) {
      ctx.queryTasks.delete(id);
      run.queries.push(entry.query);
    }
  }
}
