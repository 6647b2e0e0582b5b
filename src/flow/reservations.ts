/** One allocation held for one order between allocate and create, with the resources the order will use. */
export interface Reservation {
  allocationId: number;
  nodeId: number;
  orderId: string;
  memory: number;
  disk: number;
}

/**
 * In-process ledger of allocations chosen but not yet assigned by the panel, keyed by allocation id, so concurrent
 * orders in this worker never pick the same allocation or overfill a node. It is only process-wide: across workers,
 * safety comes from the panel itself (POST /servers answers 422 on a taken allocation, the create activity reports
 * AllocationTaken, and the workflow allocates again excluding it). An order holds at most one reservation.
 */
export interface AllocationReservations {
  /** Reserves for `orderId`; false when another order holds the allocation. Idempotent for the same order. */
  reserve(reservation: Reservation): boolean;
  heldBy(orderId: string): Reservation | undefined;
  /** True when an order other than `orderId` holds the allocation. */
  heldByOther(allocationId: number, orderId: string): boolean;
  /** Memory and disk reserved on a node by orders other than `exceptOrderId`. */
  reservedOn(nodeId: number, exceptOrderId: string): { memory: number; disk: number };
  /** Drops the order's reservation; returns the allocation ids released. */
  release(orderId: string): number[];
  list(): Reservation[];
  /** Orders released in the last `withinMs` (other processes drop their copy of these reservations). */
  recentlyReleased(withinMs: number): string[];
  /** Drops reservations older than `maxAgeMs` (an order that vanished without releasing); returns their orders. */
  expire(maxAgeMs: number): string[];
}

export function createReservationLedger(now: () => number = Date.now): AllocationReservations {
  const byAllocation = new Map<number, Reservation>();
  const since = new Map<number, number>();
  const releasedAt = new Map<string, number>();
  const heldBy = (orderId: string): Reservation | undefined =>
    [...byAllocation.values()].find((r) => r.orderId === orderId);
  const release = (orderId: string): number[] => {
    const released = [...byAllocation.values()].filter((r) => r.orderId === orderId).map((r) => r.allocationId);
    for (const id of released) {
      byAllocation.delete(id);
      since.delete(id);
    }
    releasedAt.set(orderId, now());
    return released;
  };

  return {
    reserve(reservation) {
      const holder = byAllocation.get(reservation.allocationId);
      if (holder && holder.orderId !== reservation.orderId) return false;
      if (!holder) release(reservation.orderId);
      releasedAt.delete(reservation.orderId);
      byAllocation.set(reservation.allocationId, { ...reservation });
      if (!holder) since.set(reservation.allocationId, now());
      return true;
    },
    heldBy,
    heldByOther: (allocationId, orderId) => {
      const holder = byAllocation.get(allocationId);
      return holder !== undefined && holder.orderId !== orderId;
    },
    reservedOn(nodeId, exceptOrderId) {
      let memory = 0;
      let disk = 0;
      for (const r of byAllocation.values()) {
        if (r.nodeId !== nodeId || r.orderId === exceptOrderId) continue;
        memory += r.memory;
        disk += r.disk;
      }
      return { memory, disk };
    },
    release,
    list: () => [...byAllocation.values()].map((r) => ({ ...r })),
    recentlyReleased(withinMs) {
      const cutoff = now() - withinMs;
      for (const [orderId, at] of releasedAt) if (at < cutoff) releasedAt.delete(orderId);
      return [...releasedAt.keys()];
    },
    expire(maxAgeMs) {
      const cutoff = now() - maxAgeMs;
      const stale = [...byAllocation.values()]
        .filter((r) => (since.get(r.allocationId) ?? 0) < cutoff)
        .map((r) => r.orderId);
      for (const orderId of stale) release(orderId);
      return stale;
    },
  };
}
