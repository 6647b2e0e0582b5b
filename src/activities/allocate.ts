import { FailureType, permanentFailure } from '../errors';
import { CircuitOpenError } from '../flow/call-gate';
import { capacityOf, deployable, fits } from '../flow/node-views';
import type { Allocation, PanelNode } from '../provider';
import type { AllocateInput, AllocatedSlot } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';

/** A node's pool of free allocations is re-read when empty, but not more often than this. */
const EMPTY_POOL_REREAD_MS = 10_000;

const headroom = (node: PanelNode): number =>
  capacityOf(node.memory, node.memory_overallocate) - node.allocated_resources.memory;

/**
 * Worker processes learn of each other's reservations only every few seconds, so an order takes one of the first
 * SPREAD free allocations (chosen by its id) rather than the first: two processes seldom pick the same one.
 */
const SPREAD = 16;
function spreadIndex(orderId: string, count: number): number {
  let hash = 0;
  for (let i = 0; i < orderId.length; i++) hash = (hash * 31 + orderId.charCodeAt(i)) >>> 0;
  return count > 0 ? hash % count : 0;
}

const toSlot = (node: PanelNode, allocation: Allocation): AllocatedSlot => ({
  allocationId: allocation.id,
  nodeId: node.id,
  ip: allocation.alias || allocation.ip,
  port: allocation.port,
});

/**
 * Picks a deployable node of the order's locations with room for its memory and disk (overallocation and every
 * order in flight counted) and a free allocation, and reserves both for the order in the capacity ledger. Reads
 * come from the process's catalogue (nodes re-read when older than `freshWithinMs`, free allocations one page per
 * node), so most orders cost no panel call here; a re-plan after a collision (`excludeAllocationIds` set) re-reads the
 * node's free allocations, since the collision shows another process took some. Repeating it for the same order
 * returns the same reservation.
 * Nothing fits: NoCapacity (permanent; the workflow waits for capacity). Only nodes whose breaker is open fit:
 * CircuitOpenError (the workflow waits for the provider).
 */
export function allocateActivity({
  catalogue,
  ledger,
  breakers,
  logger,
}: Pick<ActivityDeps, 'catalogue' | 'ledger' | 'breakers' | 'logger'>) {
  const freeOn = async (nodeId: number, stale: boolean): Promise<Allocation[]> => {
    const pool = await catalogue.freeAllocations(nodeId, stale);
    if (pool.length > 0 || !catalogue.poolOlderThan(nodeId, EMPTY_POOL_REREAD_MS)) return pool;
    return catalogue.freeAllocations(nodeId, true);
  };

  return async function allocate({
    order,
    excludeAllocationIds,
    freshWithinMs,
  }: AllocateInput): Promise<AllocatedSlot> {
    const { orderId, limits: need } = order;
    const excluded = new Set(excludeAllocationIds);
    const nodes = (await catalogue.listNodes(freshWithinMs))
      .filter((n) => order.locationIds.includes(n.location_id) && deployable(n))
      .sort((a, b) => headroom(b) - headroom(a) || a.id - b.id);
    const held = ledger.heldBy(orderId);
    const ordered = held
      ? [...nodes.filter((n) => n.id === held.nodeId), ...nodes.filter((n) => n.id !== held.nodeId)]
      : nodes;
    let blocked: { nodeId: number; retryAfterMs: number } | undefined;

    for (const node of ordered) {
      if (!fits(node, need, ledger.reservedOn(node.id, orderId))) continue;
      const admission = breakers.node(node.id).admit();
      if (!admission.allowed) {
        blocked ??= { nodeId: node.id, retryAfterMs: admission.retryAfterMs };
        continue;
      }
      if (admission.probe) breakers.node(node.id).cancelProbe();
      const free = (await freeOn(node.id, excluded.size > 0)).filter(
        (a) => !excluded.has(a.id) && !ledger.allocationHeld(a.id, orderId),
      );
      const pick =
        free.find((a) => a.id === held?.allocationId) ?? free[spreadIndex(orderId, Math.min(free.length, SPREAD))];
      if (!pick || !fits(node, need, ledger.reservedOn(node.id, orderId))) continue;
      ledger.reserve({
        allocationId: pick.id,
        nodeId: node.id,
        orderId,
        memory: need.memory,
        disk: need.disk,
      });
      logger.info({ orderId, nodeId: node.id, allocationId: pick.id }, 'allocation reserved');
      return toSlot(node, pick);
    }
    ledger.release(orderId);
    if (blocked) throw new CircuitOpenError('node', blocked.nodeId, blocked.retryAfterMs);
    throw permanentFailure(
      FailureType.NoCapacity,
      `no node in locations [${order.locationIds.join(', ')}] has ${need.memory} MB memory, ${need.disk} MB disk and a free allocation`,
      { locationIds: order.locationIds, nodesConsidered: nodes.length },
    );
  };
}
