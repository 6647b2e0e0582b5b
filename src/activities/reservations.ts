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
}

export function createReservationLedger(): AllocationReservations {
  const byAllocation = new Map<number, Reservation>();
  const heldBy = (orderId: string): Reservation | undefined => [...byAllocation.values()].find((r) => r.orderId === orderId);
  const release = (orderId: string): number[] => {
    const released = [...byAllocation.values()].filter((r) => r.orderId === orderId).map((r) => r.allocationId);
    for (const id of released) byAllocation.delete(id);
    return released;
  };

  return {
    reserve(reservation) {
      const holder = byAllocation.get(reservation.allocationId);
      if (holder && holder.orderId !== reservation.orderId) return false;
      if (!holder) release(reservation.orderId);
      byAllocation.set(reservation.allocationId, { ...reservation });
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
  };
}
