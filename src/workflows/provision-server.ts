import {
  CancellationScope,
  CancelledFailure,
  TemporalFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { FlowActivities, ProvisioningActivities } from './activity-contract';
import { INSTALL_DEADLINE_MS, policyOptions } from './activity-options';
import { notifyStatus } from './callbacks';
import { Compensations } from './compensations';
import {
  cancelOrderSignal,
  orderStateQuery,
  type Order,
  type OrderState,
  type ProvisionOptions,
  type ProvisionedServer,
} from './contract';
import { OrderFlow } from './order-flow';
import { OrderTracker } from './order-state';
import { OWN_MARKER_PATCH, orderExternalId } from './own-server';
import { Parking } from './parking';
import { place, type PlacementVersion } from './placement';
import { startServerEntity } from './server-entity-start';
import { ORDER_STEP_PLANS } from './step-plans';

export { MAX_PLACEMENT_ATTEMPTS } from './placement';

const waiting = proxyActivities<ProvisioningActivities>(ORDER_STEP_PLANS.install.options);
const policy = proxyLocalActivities<FlowActivities>(policyOptions);

/**
 * One order: allocate -> create -> install -> configure -> verify, under the tier policy the API gave it (see
 * ProvisionOptions). Provider steps are dispatched with the order's
 * tier priority and user fairness key (see OrderFlow); no room waits in WAITING_FOR_CAPACITY, an open breaker in
 * WAITING_FOR_PROVIDER. A permanent failure or a cancellation (`cancelOrderSignal` or Temporal cancellation) rolls
 * back what exists, newest first, and the workflow still completes, returning the final OrderState (ACTIVE, FAILED
 * or CANCELLED), once that status has been POSTed to the order's callbackUrl, if any (see notifyStatus). A step out
 * of retries on a transient cause, or a rollback that cannot finish, parks the order in NEEDS_ATTENTION until an
 * operator acts (see Parking). Only bugs fail the workflow task.
 */
export async function provisionServer(order: Order, options: ProvisionOptions = {}): Promise<OrderState> {
  const current = patched(OWN_MARKER_PATCH);
  const version: PlacementVersion = { allocateWaits: current, externalId: orderExternalId(order.orderId, current) };
  const { externalId } = version;
  const tracker = new OrderTracker(order, options.recordedStatuses === 'phases');
  tracker.state.externalId = externalId;
  const compensations = new Compensations();
  const steps = new CancellationScope();
  let cancelReason: string | null = null;
  setHandler(orderStateQuery, () => tracker.state);
  setHandler(cancelOrderSignal, (request) => {
    if (tracker.settling || cancelReason !== null) return;
    cancelReason = request?.reason || 'cancelled by request';
    tracker.note(`cancellation requested${request?.by ? ` by ${request.by}` : ''}: ${cancelReason}`);
    steps.cancel();
  });

  const parking = new Parking(order, tracker, compensations);
  const flow = new OrderFlow(order, tracker, options.policy ?? (await policy.flowPolicy())[order.tier]);
  flow.onStepFailed = (err) => parking.onStepFailed(err);
  let outcome: TemporalFailure;
  try {
    const server = await steps.run(() => runSteps(order, tracker, flow, compensations, parking, version));
    if (!steps.consideredCancelled) {
      tracker.recordServer(server);
      tracker.setStatus('ACTIVE', `server ${server.id} is installed, configured and verified`);
      await startServerEntity(order, tracker);
      await notifyStatus(order, tracker.state);
      return tracker.state;
    }
    outcome = new CancelledFailure('cancellation requested while the last step finished');
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err;
    outcome = err;
  }
  await parking.settle(outcome, cancelReason);
  await startServerEntity(order, tracker);
  await notifyStatus(order, tracker.state);
  return tracker.state;
}

async function runSteps(
  order: Order,
  tracker: OrderTracker,
  flow: OrderFlow,
  compensations: Compensations,
  parking: Parking,
  version: PlacementVersion,
): Promise<ProvisionedServer> {
  const { externalId } = version;
  const { server } = await place(order, tracker, flow, compensations, version);
  tracker.recordServer(server);
  tracker.enterStep('install', `waiting for the installation of server ${server.id}`);
  const installed = await parking.retrying(() =>
    waiting.install({ orderId: order.orderId, serverId: server.id, externalId, deadlineMs: INSTALL_DEADLINE_MS }),
  );
  if (installed.reinstalled) tracker.note('the first installation failed; a reinstall succeeded');
  tracker.enterStep('configure', "applying the order's startup and build settings");
  const configured = await flow.run(
    ORDER_STEP_PLANS.configure,
    (a, again) => a.configure({ order, serverId: server.id, observed: again ? undefined : installed.server }),
    () => 'CONFIGURING',
  );
  tracker.note(configured.updated.length > 0 ? `updated ${configured.updated.join(' and ')}` : 'already as ordered');
  tracker.enterStep('verify', 'checking the server against the order');
  return flow.run(
    ORDER_STEP_PLANS.verify,
    (a) => a.verify({ order, server, externalId }),
    () => 'VERIFYING',
  );
}
