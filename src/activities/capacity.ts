import { deployable, fits } from '../flow/node-views';
import type { CapacityInput, CapacityResult } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';

/**
 * Whether some deployable node of the order's locations has room for it now (every reservation counted), from the
 * process's node list, re-read when older than the process's `capacityRefreshMs`. Orders waiting
 * for capacity poll this: however many wait, a process reads the node list at most once per interval.
 */
export function checkCapacityActivity({
  catalogue,
  ledger,
  breakers,
  capacityRefreshMs,
}: Pick<ActivityDeps, 'catalogue' | 'ledger' | 'breakers' | 'capacityRefreshMs'>) {
  return async function checkCapacity({ order }: CapacityInput): Promise<CapacityResult> {
    const nodes = (await catalogue.listNodes(capacityRefreshMs))
      .filter((n) => order.locationIds.includes(n.location_id) && deployable(n))
      .filter((n) => fits(n, order.limits, ledger.reservedOn(n.id, order.orderId)));
    const open = nodes.filter((n) => breakers.nodeBlocked(n.id));
    return { fits: nodes.length > open.length, blockedByBreaker: nodes.length > 0 && nodes.length === open.length };
  };
}
