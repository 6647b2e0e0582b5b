import { createActivities, createReservationLedger, type AllocationReservations } from '../../src/activities';
import { ProcessFlow } from '../../src/flow/process-flow';
import type { AllocatedSlot } from '../../src/workflows/activity-contract';
import {
  activityDeps,
  callCount,
  type PanelHarness,
  paperOrder,
  runActivity,
  silentLogger,
  usePanel,
} from './panel-harness';

/** The order size of the rig's orders: small enough for any node the tests add. */
export const SMALL = { memory: 1024, swap: 0, disk: 1024, io: 500, cpu: 100 };

/** An order of SMALL size in `locationIds` (default the rig's location 2). */
export const smallOrder = (orderId: string, locationIds = [2]) => paperOrder(orderId, { locationIds, limits: SMALL });

/** One worker process's allocate activity on a clock the test moves, over nodes the test adds in location 2. */
export interface AllocateRig {
  panel: PanelHarness;
  reservations: AllocationReservations;
  flow: ProcessFlow;
  /** Moves the catalogue's and the breakers' clock. */
  advance(ms: number): void;
  /** Allocates for a SMALL order in `locationIds` (default [2]). */
  allocate(orderId: string, excludeAllocationIds?: number[], locationIds?: number[]): Promise<AllocatedSlot>;
  /** Requests for a node's free allocations the panel has answered so far. */
  listings(): Promise<number>;
  /** The node's unassigned allocations, lowest id first. */
  freeOf(nodeId: number): Promise<Array<{ id: number }>>;
}

/** A fresh rig for each test of the suite (breakers open after one failure, for 5 s). */
export function useAllocateRig(): AllocateRig {
  let clock = 0;
  const rig = { advance: (ms: number) => void (clock += ms) } as AllocateRig;
  usePanel((started) => (rig.panel = started));
  beforeEach(() => {
    clock = 1_000_000;
    rig.reservations = createReservationLedger();
    rig.flow = new ProcessFlow({
      provider: rig.panel.client(),
      reservations: rig.reservations,
      installPollMs: 25,
      logger: silentLogger,
      catalogue: { now: () => clock },
      breakers: { failureThreshold: 1, openMs: 5_000, now: () => clock },
    });
    const activities = createActivities(activityDeps(rig.panel, { flow: rig.flow }));
    rig.allocate = (orderId, excludeAllocationIds = [], locationIds = [2]) =>
      runActivity(activities.allocate, {
        order: smallOrder(orderId, locationIds),
        excludeAllocationIds,
      });
  });
  afterEach(() => rig.flow.stop());
  rig.listings = async () => callCount(await rig.panel.state(), 'GET /nodes/{id}/allocations');
  rig.freeOf = async (nodeId) =>
    (await rig.panel.state()).allocations
      .filter((a) => a.node === nodeId && a.server === null)
      .sort((a, b) => a.id - b.id);
  return rig;
}
