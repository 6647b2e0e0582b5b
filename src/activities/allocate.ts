import { FailureType, permanentFailure } from '../errors';
import type { Allocation, PanelNode } from '../provider';
import type { AllocateInput, AllocatedSlot } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';

const capacity = (size: number, overallocatePercent: number): number => size * (1 + overallocatePercent / 100);

/** The panel's own deployability rule (FindViableNodesService) minus what this process has reserved on the node. */
function fits(node: PanelNode, need: { memory: number; disk: number }, reserved: { memory: number; disk: number }): boolean {
  return node.allocated_resources.memory + reserved.memory + need.memory <= capacity(node.memory, node.memory_overallocate)
    && node.allocated_resources.disk + reserved.disk + need.disk <= capacity(node.disk, node.disk_overallocate);
}

const headroom = (node: PanelNode): number => capacity(node.memory, node.memory_overallocate) - node.allocated_resources.memory;

const toSlot = (node: PanelNode, allocation: Allocation): AllocatedSlot => ({
  allocationId: allocation.id,
  nodeId: node.id,
  ip: allocation.alias || allocation.ip,
  port: allocation.port,
});

/**
 * Picks a public, non-maintenance node of the order's locations with room for its memory and disk (overallocation
 * included) and a free allocation (reading every page), and reserves it for the order. Repeating it for the same
 * order returns the allocation already reserved while the panel still shows it free.
 */
export function allocateActivity({ provider, reservations, logger }: ActivityDeps) {
  return async function allocate({ order, excludeAllocationIds }: AllocateInput): Promise<AllocatedSlot> {
    const { orderId, limits: need } = order;
    const excluded = new Set(excludeAllocationIds);
    const nodes = (await provider.listNodes())
      .filter((n) => order.locationIds.includes(n.location_id) && n.public && !n.maintenance_mode)
      .sort((a, b) => headroom(b) - headroom(a) || a.id - b.id);
    const held = reservations.heldBy(orderId);
    const ordered = held ? [...nodes.filter((n) => n.id === held.nodeId), ...nodes.filter((n) => n.id !== held.nodeId)] : nodes;

    for (const node of ordered) {
      if (!fits(node, need, reservations.reservedOn(node.id, orderId))) continue;
      const allocations = (await provider.listAllAllocations(node.id)).sort((a, b) => a.id - b.id);
      const free = allocations.filter((a) => !a.assigned && !excluded.has(a.id) && !reservations.heldByOther(a.id, orderId));
      const pick = free.find((a) => a.id === held?.allocationId) ?? free[0];
      if (!pick || !fits(node, need, reservations.reservedOn(node.id, orderId))) continue;
      reservations.reserve({ allocationId: pick.id, nodeId: node.id, orderId, memory: need.memory, disk: need.disk });
      logger.info({ orderId, nodeId: node.id, allocationId: pick.id }, 'allocation reserved');
      return toSlot(node, pick);
    }
    reservations.release(orderId);
    throw permanentFailure(
      FailureType.NoCapacity,
      `no node in locations [${order.locationIds.join(', ')}] has ${need.memory} MB memory, ${need.disk} MB disk and a free allocation`,
      { locationIds: order.locationIds, nodesConsidered: nodes.length },
    );
  };
}
