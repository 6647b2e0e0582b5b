import { ApplicationFailure, CancellationScope, patched, proxyActivities, sleep } from '@temporalio/workflow';
import { FailureType } from '../errors';
import type { AllocatedSlot, CreateResult, ProvisioningActivities } from './activity-contract';
import { capacityCheckOptions, compensationOptions, panelCallOptions } from './activity-options';
import type { Compensations } from './compensations';
import type { Order } from './contract';
import { NO_CAPACITY_ERROR } from './flow-contract';
import { createdNothing, hasFailureType } from './failures';
import { circuitDetails, jitterMs } from './breaker-wait';
import type { OrderFlow } from './order-flow';
import type { OrderTracker } from './order-state';
import { sparedNote, undoCreate } from './rollback-inputs';
import { ORDER_STEP_PLANS } from './step-plans';

/** How many allocations an order tries when the panel reports its chosen one taken by a concurrent order. */
export const MAX_PLACEMENT_ATTEMPTS = 3;
const FIRST_CAPACITY_CHECK_MS = 5_000;
/** Orders started from this version on park (see parking.ts) when a capacity check runs out of retries. */
export const CAPACITY_CHECK_PARKS_PATCH = 'capacity-check-parks';

const checks = proxyActivities<ProvisioningActivities>(capacityCheckOptions);
const undo = proxyActivities<ProvisioningActivities>(compensationOptions);

/** What the order decided at its start (patched): how allocate is cancelled, and its server's external_id. */
export interface PlacementVersion {
  allocateWaits: boolean;
  /** `ownExternalId(orderId)`, or the bare orderId for orders started before the own-server marker. */
  externalId: string;
}

/** Longest pause between two capacity checks: 10 s per priority level (premium and promoted orders look most often). */
const capacityCheckCap = (priorityKey: number): number => priorityKey * 10_000;

/**
 * allocate -> create, re-planning on an allocation taken concurrently. When no node has room the order waits in
 * WAITING_FOR_CAPACITY, checking with backoff (no provider dispatch), until room appears or the tier's
 * `capacityWaitMs` has passed (then it fails with NO_CAPACITY).
 */
export async function place(
  order: Order,
  tracker: OrderTracker,
  flow: OrderFlow,
  compensations: Compensations,
  { allocateWaits, externalId }: PlacementVersion,
): Promise<CreateResult> {
  const refused: number[] = [];
  /** A create request may have reached the panel (create's failure says when none can have: createdNothing). */
  let createSent = false;
  compensations.register(ORDER_STEP_PLANS.allocate.undo, () => undo.releaseAllocation({ orderId: order.orderId }));
  for (let attempt = 1; ; attempt++) {
    const slot = await allocate(order, tracker, flow, refused, attempt, allocateWaits);
    tracker.slot = slot;
    compensations.register(ORDER_STEP_PLANS.create.undo, async () => {
      const deleted = await flow.compensate((a) => a.deleteServer(undoCreate(order, tracker, externalId, createSent)));
      if (deleted.sparedServerId !== undefined) tracker.note(sparedNote(deleted.sparedServerId));
    });
    tracker.enterStep('create', `creating the server on node ${slot.nodeId} at ${slot.ip}:${slot.port}`);
    try {
      const created = await flow.run(
        ORDER_STEP_PLANS.create,
        (a, again) => {
          createSent ||= !CancellationScope.current().consideredCancelled;
          return a.create({ order, slot, lookFirst: again || attempt > 1, externalId });
        },
        () => 'CREATING',
      );
      if (created.adopted) tracker.note(`adopted server ${created.server.id} already created for this order`);
      return created;
    } catch (err) {
      if (createdNothing(err)) createSent = false;
      if (!hasFailureType(err, FailureType.AllocationTaken) || attempt >= MAX_PLACEMENT_ATTEMPTS) throw err;
      refused.push(slot.allocationId);
      tracker.note(`allocation ${slot.allocationId} was taken concurrently`);
    }
  }
}

async function allocate(
  order: Order,
  tracker: OrderTracker,
  flow: OrderFlow,
  refused: number[],
  attempt: number,
  allocateWaits: boolean,
): Promise<AllocatedSlot> {
  let deadline: number | null = null;
  let pause = FIRST_CAPACITY_CHECK_MS;
  for (;;) {
    const queued = attempt === 1 && tracker.status !== 'WAITING_FOR_CAPACITY';
    if (queued) tracker.enterQueue('allocate', flow.promotionAt());
    else
      tracker.enterStep(
        'allocate',
        deadline === null ? `choosing another allocation (try ${attempt})` : 'room may have appeared: choosing a node',
      );
    try {
      const slot = await flow.run(
        allocateWaits ? ORDER_STEP_PLANS.allocate : { ...ORDER_STEP_PLANS.allocate, options: panelCallOptions },
        (a) => a.allocate({ order, excludeAllocationIds: refused }),
        () => (queued ? 'QUEUED' : 'ALLOCATING'),
      );
      if (queued || tracker.status !== 'ALLOCATING')
        tracker.enterStep('allocate', `reserved allocation ${slot.allocationId} on node ${slot.nodeId}`);
      return slot;
    } catch (err) {
      if (!hasFailureType(err, FailureType.NoCapacity)) throw err;
    }
    deadline ??= Date.now() + flow.policy.capacityWaitMs;
    await waitForCapacity(order, tracker, flow, deadline, pause);
    pause = Math.min(pause * 2, capacityCheckCap(tracker.state.priority.priorityKey));
  }
}

/** Checks for room (no dispatch) with growing pauses until some node fits; NO_CAPACITY once `deadline` passes. */
async function waitForCapacity(
  order: Order,
  tracker: OrderTracker,
  flow: OrderFlow,
  deadline: number,
  firstPause: number,
): Promise<void> {
  let pause = firstPause;
  for (;;) {
    if (Date.now() >= deadline) {
      throw ApplicationFailure.nonRetryable(
        `no node in locations [${order.locationIds.join(', ')}] had room for ${order.limits.memory} MB memory and ${order.limits.disk} MB disk within ${flow.policy.capacityWaitMs / 60_000} min`,
        NO_CAPACITY_ERROR,
      );
    }
    if (tracker.status !== 'WAITING_FOR_CAPACITY') {
      tracker.wait(
        'capacity',
        'WAITING_FOR_CAPACITY',
        'no node of its locations has room: waiting for capacity',
        deadline,
      );
    }
    await sleep(Math.min(pause + jitterMs(order.orderId), Math.max(1, deadline - Date.now())));
    if (Date.now() >= deadline) continue;
    const check = await checks.checkCapacity({ order }).catch(async (err: unknown) => {
      if (circuitDetails(err)) return { fits: false, blockedByBreaker: true };
      if (patched(CAPACITY_CHECK_PARKS_PATCH) && (await flow.onStepFailed?.(err)))
        return { fits: false, blockedByBreaker: false };
      throw err;
    });
    if (check.fits) return;
    if (check.blockedByBreaker) tracker.note('the nodes with room are failing (circuit breaker open)');
    pause = Math.min(pause * 2, capacityCheckCap(tracker.state.priority.priorityKey));
  }
}
