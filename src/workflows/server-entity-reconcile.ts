import { ApplicationFailure } from '@temporalio/workflow';
import {
  RECONCILIATION_REQUESTER,
  serverDrift,
  type ReconcileAnswer,
  type ReconcileRequest,
} from './reconcile-contract';
import { OPERATOR_REFUSALS, isServerGone, type ServerEntityState } from './server-entity-contract';
import type { EntityJob, EntityJobs } from './server-entity-jobs';

/** The reconcile update's validator: nothing is compared while an operation runs or once the server is gone. */
export function refuseReconcile(state: ServerEntityState, jobs: EntityJobs): void {
  const holder = jobs.holder;
  if (holder)
    throw ApplicationFailure.create({
      type: OPERATOR_REFUSALS.busy,
      message: `${holder.operation} is running on the server of order ${state.orderId}`,
      nonRetryable: true,
    });
  if (isServerGone(state.status))
    throw ApplicationFailure.create({
      type: OPERATOR_REFUSALS.gone,
      message: `the server of order ${state.orderId} is ${state.status.toLowerCase()}`,
      nonRetryable: true,
    });
}

/**
 * The entity's side of the sweep: a server gone from the panel marks the entity LOST (it then ends); otherwise the
 * drift between the panel and the entity, and with `correct` the jobs that put the panel back (run by the entity's
 * loop as `reconciliation`, which never changes why the server is suspended).
 */
export function reconcileEntity(
  state: ServerEntityState,
  jobs: EntityJobs,
  request: ReconcileRequest,
  enqueue: (job: EntityJob) => void,
): ReconcileAnswer {
  if (request.facts === null) {
    jobs.note(`server ${state.server.id} is no longer on the panel (reconciliation): marked lost`, 'LOST');
    state.billing.next = null;
    return { drift: [], queued: [] };
  }
  const drift = serverDrift(state, request.facts);
  const queued: string[] = [];
  if (drift.length === 0 || !request.correct) {
    if (drift.length) jobs.note(`drift on the panel (reconciliation): ${drift.map((d) => d.field).join(', ')}`);
    return { drift, queued };
  }
  for (const item of drift) {
    const job: EntityJob =
      item.field === 'suspended'
        ? { operation: state.status === 'SUSPENDED' ? 'suspend' : 'unsuspend', requestedBy: RECONCILIATION_REQUESTER }
        : { operation: 'resize', requestedBy: RECONCILIATION_REQUESTER, build: state.limits! };
    enqueue(job);
    queued.push(job.operation);
  }
  return { drift, queued };
}
