import type { PanelNode } from '../provider';
import type { NodeCapacityView, ResourceView } from '../workflows/flow-contract';
import type { Breakers } from './breaker';
import type { Catalogue } from './catalogue';

/** Node size with overallocation; a negative overallocation means the panel does not limit the resource. */
export const capacityOf = (size: number, overallocatePercent: number): number =>
  overallocatePercent < 0 ? Number.POSITIVE_INFINITY : size * (1 + overallocatePercent / 100);

const resource = (capacity: number, allocated: number, reserved: number): ResourceView => ({
  capacity: Number.isFinite(capacity) ? capacity : -1,
  allocated,
  reserved,
  free: Number.isFinite(capacity) ? Math.max(0, capacity - allocated - reserved) : -1,
});

/** The panel's own deployability rule (FindViableNodesService) minus what orders in flight have reserved on the node. */
export function fits(
  node: PanelNode,
  need: { memory: number; disk: number },
  reserved: { memory: number; disk: number },
): boolean {
  return (
    node.allocated_resources.memory + reserved.memory + need.memory <=
      capacityOf(node.memory, node.memory_overallocate) &&
    node.allocated_resources.disk + reserved.disk + need.disk <= capacityOf(node.disk, node.disk_overallocate)
  );
}

/** Deployable: public and not in maintenance (the panel's own rule for automatic placement). */
export const deployable = (node: PanelNode): boolean => node.public && !node.maintenance_mode;

/** What nodeViews reads (a ProcessFlow has it all). */
export interface NodeViewSource {
  catalogue: Pick<Catalogue, 'cachedNodes' | 'knownFree'>;
  reservations: { list(): { nodeId: number }[] };
  breakers: Pick<Breakers, 'node'>;
  reservedOn(nodeId: number, exceptOrderId: string): { memory: number; disk: number };
}

/** Capacity per node from the cached catalogue and every known reservation (empty before the first node read). */
export function nodeViews(flow: NodeViewSource): NodeCapacityView[] {
  const nodes = flow.catalogue.cachedNodes();
  const reservations = flow.reservations.list();
  return nodes.map((node) => {
    const reserved = flow.reservedOn(node.id, '');
    return {
      nodeId: node.id,
      name: node.name,
      locationId: node.location_id,
      excluded: !deployable(node),
      memory: resource(
        capacityOf(node.memory, node.memory_overallocate),
        node.allocated_resources.memory,
        reserved.memory,
      ),
      disk: resource(capacityOf(node.disk, node.disk_overallocate), node.allocated_resources.disk, reserved.disk),
      allocations: {
        free: flow.catalogue.knownFree(node.id),
        reserved: reservations.filter((r) => r.nodeId === node.id).length,
      },
      breaker: flow.breakers.node(node.id).current,
    };
  });
}
