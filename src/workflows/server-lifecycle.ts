import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TierAttribute, UserIdAttribute } from './contract';
import { applyBilling, billingRefusal, BILLING_RETRY_MS, CURRENT_BILLING, nextBillingStep } from './server-billing';
import {
  billingUpdate,
  NodeIdAttribute,
  OPERATOR_REFUSALS,
  operatorRequestUpdate,
  SERVER_ENTITY_EVENTS_PER_RUN,
  serverStateQuery,
  ServerStatusAttribute,
  type OperatorRequest,
  type ServerEntityInput,
  type ServerEntityState,
  type ServerStatus,
} from './server-entity-contract';
import { EntityJobs, type EntityJob } from './server-entity-jobs';
import { reconcileEntity, refuseReconcile } from './server-entity-reconcile';
import { reconcileUpdate } from './reconcile-contract';
import { SERVER_OPERATIONS } from './server-operation-contract';

function initialState(input: ServerEntityInput): ServerEntityState {
  const now = new Date().toISOString();
  return {
    orderId: input.orderId,
    userId: input.userId,
    tier: input.tier,
    externalId: input.externalId,
    server: input.server,
    limits: input.limits ?? null,
    order: input.order ?? null,
    status: 'ACTIVE',
    suspendedBy: { billing: false, operator: false },
    billing: { ...CURRENT_BILLING },
    operations: [],
    timeline: [{ at: now, status: 'ACTIVE', detail: `server ${input.server.id} verified; its entity started` }],
    eventsSent: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** The operator update's validator: refuses (ApplicationFailure of an OPERATOR_REFUSALS type) what cannot run now. */
function refuseOperator(state: ServerEntityState, jobs: EntityJobs, { operation, build }: OperatorRequest): void {
  const refuse = (type: string, message: string, details: unknown[] = []) => {
    throw ApplicationFailure.create({ type, message, details, nonRetryable: true });
  };
  if (!(SERVER_OPERATIONS as readonly string[]).includes(operation))
    refuse(OPERATOR_REFUSALS.forbidden, `unknown operation ${operation}`);
  const holder = jobs.holder;
  if (holder)
    refuse(OPERATOR_REFUSALS.busy, `${holder.operation} is still running on the server of order ${state.orderId}`, [
      { operationId: holder.operationId, operation: holder.operation },
    ]);
  if (state.status === 'LOST')
    refuse(OPERATOR_REFUSALS.gone, `the server of order ${state.orderId} is no longer on the panel (lost)`);
  if (state.status === 'DELETING' || state.status === 'DELETED') {
    const deletion = [...state.operations].reverse().find((o) => o.operation === 'delete' && o.status === 'COMPLETED');
    refuse(OPERATOR_REFUSALS.gone, `the server of order ${state.orderId} was deleted`, [
      { operationId: deletion?.operationId ?? null, operation: 'delete' },
    ]);
  }
  if (operation === 'resize' && !build) refuse(OPERATOR_REFUSALS.forbidden, 'resize needs the new limits (build)');
  if (operation === 'unsuspend' && state.suspendedBy.billing)
    refuse(OPERATOR_REFUSALS.forbidden, 'the server is suspended for an unpaid bill: a payment lifts that suspension');
}

/**
 * The entity of one order's server (workflow id `server-<orderId>`), from its verification for as long as it exists.
 * It holds the server's state and runs every change to it one at a time (`EntityJobs`: each a `serverOperation`
 * child under the server's operation id): operators' suspend, unsuspend and delete (`operatorRequestUpdate`), and
 * the billing clock (`billingUpdate`): overdue -> suspension warning -> suspension at suspendAt -> deletion warning
 * -> deletion at deleteAt, on durable timers; paid stops the clock and lifts a billing suspension, never an
 * operator's. Events go to the order's callbackUrl. Continues as new with its state and clock; ends once deleted.
 */
export async function serverLifecycle(input: ServerEntityInput): Promise<ServerEntityState> {
  const state = input.carried ?? initialState(input);
  const jobs = new EntityJobs(input, state);
  let woken = false;
  let billingHeldUntil = 0;
  const refresh = () => {
    state.billing.next = nextBillingStep(state, billingHeldUntil);
  };
  const enqueue = (job: EntityJob) => {
    jobs.add(job);
    woken = true;
  };

  setHandler(serverStateQuery, () => ({
    ...state,
    billing: { ...state.billing, next: nextBillingStep(state, billingHeldUntil) },
  }));
  setHandler(
    billingUpdate,
    (request) => {
      state.billing = applyBilling(state.billing, request);
      billingHeldUntil = 0;
      if (request.state === 'paid' && state.suspendedBy.billing) {
        state.suspendedBy.billing = false;
        enqueue({ operation: 'unsuspend', requestedBy: 'billing' });
      }
      jobs.note(
        request.state === 'paid' ? 'paid: the billing clock stopped' : `overdue: suspension at ${request.suspendAt}`,
      );
      refresh();
      woken = true;
      return state;
    },
    {
      validator: (request) => {
        const refusal = billingRefusal(state, request);
        if (refusal) throw new Error(refusal);
      },
    },
  );
  setHandler(
    operatorRequestUpdate,
    async ({ operation, by, build }) => {
      const record = jobs.add({ operation, requestedBy: by, ...(build ? { build } : {}) });
      woken = true;
      await condition(() => record.operationId !== null || record.status !== 'PENDING');
      if (record.operationId === null) {
        const type = record.error?.type ?? OPERATOR_REFUSALS.forbidden;
        throw ApplicationFailure.create({ type, message: record.error?.message ?? `${operation} was not needed` });
      }
      return { operationId: record.operationId, state };
    },
    { validator: (request) => refuseOperator(state, jobs, request) },
  );
  setHandler(
    reconcileUpdate,
    (request) => {
      const answer = reconcileEntity(state, jobs, request, enqueue);
      woken = true;
      return answer;
    },
    { validator: (_request) => refuseReconcile(state, jobs) },
  );
  upsertSearchAttributes([
    { key: ServerStatusAttribute, value: state.status },
    { key: NodeIdAttribute, value: state.server.node },
    { key: UserIdAttribute, value: state.userId },
    { key: TierAttribute, value: state.tier },
  ]);
  jobs.onStatus = (status: ServerStatus) => upsertSearchAttributes([{ key: ServerStatusAttribute, value: status }]);

  while (state.status !== 'DELETED' && state.status !== 'LOST') {
    refresh();
    if (jobs.size > 0) {
      await jobs.runNext();
      continue;
    }
    const next = state.billing.next;
    const due = next ? Math.max(0, Date.parse(next.at) - Date.now()) : undefined;
    const tooLong = () =>
      workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > (input.eventsPerRun ?? SERVER_ENTITY_EVENTS_PER_RUN);
    const wake = () => woken || jobs.size > 0 || tooLong();
    const woke = due === undefined ? (await condition(wake), true) : await condition(wake, due);
    woken = false;
    if (!woke && next) {
      const done = await jobs.billingStep(next.action);
      billingHeldUntil = done ? 0 : Date.now() + BILLING_RETRY_MS;
      continue;
    }
    if (tooLong() && jobs.size === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof serverLifecycle>({ ...input, carried: state });
    }
  }
  if (state.status === 'LOST') await jobs.announce('server.lost');
  await condition(allHandlersFinished);
  return state;
}
