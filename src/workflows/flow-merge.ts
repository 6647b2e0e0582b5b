import type {
  BreakerState,
  BreakerView,
  FlowSnapshot,
  NodeCapacityView,
  ProcessFlowReport,
  ResourceView,
} from './flow-contract';

const SEVERITY: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const latest = (reports: ProcessFlowReport[]): ProcessFlowReport | undefined =>
  [...reports].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];

function mergeBreakers(reports: ProcessFlowReport[]): BreakerView[] {
  const worst = new Map<string, BreakerView>();
  for (const view of reports.flatMap((r) => r.breakers)) {
    const key = `${view.scope}:${view.nodeId ?? ''}`;
    const known = worst.get(key);
    if (!known || SEVERITY[view.state] > SEVERITY[known.state]) worst.set(key, view);
  }
  return [...worst.values()].filter((b) => b.scope === 'panel' || b.state !== 'closed');
}

const withReserved = (r: ResourceView, reserved: number): ResourceView => ({
  ...r,
  reserved,
  free: r.capacity < 0 ? -1 : Math.max(0, r.capacity - r.allocated - reserved),
});

/** The newest node view, with every live process's reservations (each order once) counted. */
function mergeNodes(reports: ProcessFlowReport[], breakers: BreakerView[]): NodeCapacityView[] {
  const released = new Set(reports.flatMap((r) => r.released));
  const reservations = new Map(
    reports
      .flatMap((r) => r.reservations)
      .filter((r) => !released.has(r.orderId))
      .map((r) => [r.orderId, r]),
  );
  const withNodes = reports.filter((r) => r.nodes.length > 0);
  const nodes = latest(withNodes)?.nodes ?? [];
  return nodes.map((node) => {
    const held = [...reservations.values()].filter((r) => r.nodeId === node.nodeId);
    const breaker = breakers.find((b) => b.scope === 'node' && b.nodeId === node.nodeId)?.state ?? 'closed';
    return {
      ...node,
      memory: withReserved(
        node.memory,
        held.reduce((sum, r) => sum + r.memory, 0),
      ),
      disk: withReserved(
        node.disk,
        held.reduce((sum, r) => sum + r.disk, 0),
      ),
      allocations: { ...node.allocations, reserved: held.length },
      breaker,
    };
  });
}

/** One view over the live processes' reports: summed use, the lowest suggested rate, the worst breaker states. */
export function mergeReports(taskQueue: string, reports: ProcessFlowReport[]): FlowSnapshot {
  const newest = latest(reports);
  const limit = newest?.budget.limitPerMinute ?? 240;
  const reserve = newest?.budget.reserve ?? 0.1;
  const maxRate = limit * (1 - reserve);
  const limitedAt =
    reports
      .map((r) => r.budget.lastRateLimitedAt)
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null;
  const breakers = mergeBreakers(reports);
  return {
    taskQueue,
    updatedAt: newest?.at ?? null,
    budget: {
      limitPerMinute: limit,
      reserve,
      ratePerMinute: Math.min(maxRate, ...reports.map((r) => r.budget.suggestedRatePerMinute)),
      maxRatePerMinute: maxRate,
      callsLastMinute: reports.reduce((sum, r) => sum + r.budget.callsLastMinute, 0),
      rateLimitedLastMinute: reports.reduce((sum, r) => sum + r.budget.rateLimitedLastMinute, 0),
      panelLimit: newest?.budget.panelLimit ?? null,
      panelRemaining: newest?.budget.panelRemaining ?? null,
      lastRateLimitedAt: limitedAt,
    },
    breakers,
    nodes: mergeNodes(reports, breakers),
    processes: reports.map((r) => ({
      identity: r.identity,
      reportedAt: r.at,
      ratePerMinute: r.budget.suggestedRatePerMinute,
    })),
  };
}
