import type { ActivityDeps, CapacityLedger, PanelAccess } from '../activities';
import type { ProcessFlow } from '../flow/process-flow';

/** What the activities take from the worker's settings rather than from the flow control. */
export type ActivitySettings = Pick<
  ActivityDeps,
  | 'logger'
  | 'callbackSecrets'
  | 'callbackSecret'
  | 'callbackLegacyHeaders'
  | 'callbackTimeoutMs'
  | 'callbackPerHost'
  | 'operatorWebhook'
  | 'createSettleMs'
  | 'variablePolicy'
  | 'outboundGuard'
>;

/** The process's panel clients, all passing its flow control. */
export function panelAccessOf(flow: ProcessFlow): PanelAccess {
  return {
    panel: flow.provider,
    compensationPanel: flow.compensationProvider,
    panelForNode: (nodeId, failFast) => flow.providerForNode(nodeId, failFast),
  };
}

/** The process's reservations, counted together with those the other processes report. */
export function capacityLedgerOf(flow: ProcessFlow): CapacityLedger {
  const { reservations } = flow;
  return {
    heldBy: (orderId) => reservations.heldBy(orderId),
    reserve: (reservation) => reservations.reserve(reservation),
    release: (orderId) => reservations.release(orderId),
    reservedOn: (nodeId, exceptOrderId) => flow.reservedOn(nodeId, exceptOrderId),
    allocationHeld: (allocationId, orderId) => flow.allocationHeld(allocationId, orderId),
  };
}

/** The activities' dependencies, each taken from the process's flow control once, plus the worker's settings. */
export function activityDepsFor(flow: ProcessFlow, settings: ActivitySettings): ActivityDeps {
  return {
    ...panelAccessOf(flow),
    catalogue: flow.catalogue,
    ledger: capacityLedgerOf(flow),
    breakers: flow.breakers,
    capacityRefreshMs: flow.capacityRefreshMs,
    watcher: flow.watcher,
    draining: flow.draining,
    ...settings,
  };
}
