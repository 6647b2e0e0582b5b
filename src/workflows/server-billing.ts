import { isServerGone, type BillingRequest, type BillingState, type ServerEntityState } from './server-entity-contract';

export const CURRENT_BILLING: BillingState = {
  state: 'current',
  suspendAt: null,
  deleteAt: null,
  warningLeadMs: 0,
  warned: { suspension: false, deletion: false },
  next: null,
};

/** After a billing step failed (the server could not be suspended or deleted), the clock waits this long. */
export const BILLING_RETRY_MS = 15 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The next step of the billing clock: the suspension warning (at suspendAt minus the lead, or at once when that is
 * past), the suspension at suspendAt, the deletion warning before deleteAt, the deletion at deleteAt; none while the
 * bill is paid. `notBefore` holds the clock after a failed step.
 */
export function nextBillingStep(state: ServerEntityState, notBefore = 0): BillingState['next'] {
  const { billing, suspendedBy } = state;
  if (billing.state !== 'overdue' || !billing.suspendAt || !billing.deleteAt) return null;
  if (isServerGone(state.status)) return null;
  const suspendAt = Date.parse(billing.suspendAt);
  const deleteAt = Date.parse(billing.deleteAt);
  const at = (ms: number) => iso(Math.max(ms, notBefore));
  if (!suspendedBy.billing) {
    if (!billing.warned.suspension) return { action: 'suspension_warning', at: at(suspendAt - billing.warningLeadMs) };
    return { action: 'suspend', at: at(suspendAt) };
  }
  if (!billing.warned.deletion) return { action: 'deletion_warning', at: at(deleteAt - billing.warningLeadMs) };
  return { action: 'delete', at: at(deleteAt) };
}

/** The billing state after a request: `overdue` starts (or moves) the clock, `paid` stops it. */
export function applyBilling(billing: BillingState, request: BillingRequest): BillingState {
  if (request.state === 'paid') return { ...CURRENT_BILLING };
  const sameSuspension = billing.state === 'overdue' && billing.suspendAt === request.suspendAt;
  const sameDeletion = billing.state === 'overdue' && billing.deleteAt === request.deleteAt;
  return {
    state: 'overdue',
    suspendAt: request.suspendAt,
    deleteAt: request.deleteAt,
    warningLeadMs: request.warningLeadMs,
    warned: {
      suspension: sameSuspension && billing.warned.suspension,
      deletion: sameDeletion && billing.warned.deletion,
    },
    next: null,
  };
}

/** Why a billing request is refused (the update's validator), or null. */
export function billingRefusal(state: ServerEntityState, request: BillingRequest): string | null {
  if (isServerGone(state.status))
    return `server of order ${state.orderId} is ${state.status === 'DELETING' ? 'being deleted' : state.status.toLowerCase()}`;
  if (request.state === 'paid') return null;
  if (request.state !== 'overdue') return 'state must be overdue or paid';
  const suspendAt = Date.parse(request.suspendAt);
  const deleteAt = Date.parse(request.deleteAt);
  if (Number.isNaN(suspendAt) || Number.isNaN(deleteAt)) return 'suspendAt and deleteAt must be ISO 8601 times';
  if (deleteAt < suspendAt) return 'deleteAt must not be before suspendAt';
  if (!(request.warningLeadMs >= 0)) return 'warningLeadMs must be 0 or more';
  return null;
}
