import {
  CancellationScope,
  CancelledFailure,
  TemporalFailure,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { FailureType } from '../errors';
import type { CreateResult, ProvisioningActivities } from './activity-contract';
import {
  INSTALL_DEADLINE_MS,
  compensationOptions,
  installOptions,
  panelCallOptions,
  panelChangeOptions,
} from './activity-options';
import { Compensations } from './compensations';
import { cancelOrderSignal, orderStateQuery, type Order, type OrderState, type ProvisionedServer } from './contract';
import { hasFailureType, summarizeFailure } from './failures';
import { OrderTracker } from './order-state';

const panel = proxyActivities<ProvisioningActivities>(panelCallOptions);
const change = proxyActivities<ProvisioningActivities>(panelChangeOptions);
const waiting = proxyActivities<ProvisioningActivities>(installOptions);
const undo = proxyActivities<ProvisioningActivities>(compensationOptions);

/** How many allocations an order tries when the panel reports its chosen one taken by a concurrent order. */
export const MAX_PLACEMENT_ATTEMPTS = 3;

/**
 * One order: allocate -> create -> install -> configure -> verify. A permanent failure or a cancellation
 * (`cancelOrderSignal` or Temporal cancellation) rolls back what exists, newest first, and the workflow still
 * completes, returning the final OrderState (ACTIVE, FAILED or CANCELLED). Only bugs fail the workflow task.
 */
export async function provisionServer(order: Order): Promise<OrderState> {
  const tracker = new OrderTracker(order);
  const compensations = new Compensations();
  const steps = new CancellationScope();
  let cancelReason: string | null = null;
  setHandler(orderStateQuery, () => tracker.state);
  setHandler(cancelOrderSignal, (request) => {
    if (tracker.settling || cancelReason !== null) return;
    cancelReason = request?.reason || 'cancelled by request';
    tracker.note(`cancellation requested: ${cancelReason}`);
    steps.cancel();
  });

  let outcome: TemporalFailure;
  try {
    const server = await steps.run(() => runSteps(order, tracker, compensations));
    if (!steps.consideredCancelled) {
      tracker.recordServer(server);
      tracker.setStatus('ACTIVE', `server ${server.id} is installed, configured and verified`);
      return tracker.state;
    }
    outcome = new CancelledFailure('cancellation requested while the last step finished');
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err;
    outcome = err;
  }
  await settle(outcome, tracker, compensations, cancelReason);
  return tracker.state;
}

async function runSteps(order: Order, tracker: OrderTracker, compensations: Compensations): Promise<ProvisionedServer> {
  const { server } = await place(order, tracker, compensations);
  tracker.recordServer(server);
  tracker.enterStep('install', `waiting for the installation of server ${server.id}`);
  const installed = await waiting.install({ orderId: order.orderId, serverId: server.id, deadlineMs: INSTALL_DEADLINE_MS });
  if (installed.reinstalled) tracker.note('the first installation failed; a reinstall succeeded');
  tracker.enterStep('configure', 'applying the order\'s startup and build settings');
  const configured = await change.configure({ order, serverId: server.id });
  tracker.note(configured.updated.length > 0 ? `updated ${configured.updated.join(' and ')}` : 'already as ordered');
  tracker.enterStep('verify', 'checking the server against the order');
  return panel.verify({ order, server });
}

async function place(order: Order, tracker: OrderTracker, compensations: Compensations): Promise<CreateResult> {
  const refused: number[] = [];
  compensations.register('releaseAllocation', () => undo.releaseAllocation({ orderId: order.orderId }));
  for (let attempt = 1; ; attempt++) {
    tracker.enterStep('allocate', attempt === 1 ? 'choosing a node and an allocation' : `choosing another allocation (try ${attempt})`);
    const slot = await panel.allocate({ order, excludeAllocationIds: refused });
    compensations.register('deleteServer', () => undo.deleteServer({ orderId: order.orderId }));
    tracker.enterStep('create', `creating the server on node ${slot.nodeId} at ${slot.ip}:${slot.port}`);
    try {
      const created = await change.create({ order, slot });
      if (created.adopted) tracker.note(`adopted server ${created.server.id} already created for this order`);
      return created;
    } catch (err) {
      if (!hasFailureType(err, FailureType.AllocationTaken) || attempt >= MAX_PLACEMENT_ATTEMPTS) throw err;
      refused.push(slot.allocationId);
      tracker.note(`allocation ${slot.allocationId} was taken concurrently`);
    }
  }
}

async function settle(
  outcome: TemporalFailure,
  tracker: OrderTracker,
  compensations: Compensations,
  cancelReason: string | null,
): Promise<void> {
  const cancelled = isCancellation(outcome);
  const failure = summarizeFailure(outcome);
  tracker.recordError(cancelled
    ? { step: 'cancel', type: 'Cancelled', message: cancelReason ?? 'workflow cancellation requested' }
    : { step: tracker.state.step ?? 'allocate', ...failure });
  if (compensations.size > 0) {
    tracker.setStatus('COMPENSATING', cancelled ? 'rolling back the cancelled order' : `rolling back after ${failure.type}`);
    await CancellationScope.nonCancellable(() => compensations.runAll({
      onDone: (name) => tracker.note(`${name} done`),
      onFailed: (name, f) => {
        tracker.recordCompensationError({ step: 'compensate', compensation: name, ...f });
        tracker.note(`${name} failed: ${f.type}`);
        log.error('compensation failed; panel resources may be left behind', { orderId: tracker.state.orderId, compensation: name, ...f });
      },
    }));
  }
  const leftovers = tracker.state.compensationErrors.length;
  const detail = leftovers > 0 ? `${leftovers} compensation(s) could not finish` : 'nothing left on the panel';
  tracker.setStatus(cancelled ? 'CANCELLED' : 'FAILED', detail);
}
