import { waitingOrder, type QueueCensus } from '../workflows/census-contract';
import type { Tier } from '../workflows/contract';
import {
  DEFAULT_FLOW_POLICY,
  PROMOTED_PRIORITY_KEY,
  TIER_PRIORITY_KEY,
  type FlowPolicy,
} from '../workflows/flow-contract';
import type { ServiceRate } from './service-rate';

/** `queue` of GET /v1/orders/:id while the order waits. */
export interface QueuePlace {
  /** Waiting orders expected to be served before this one; null while no census is known. */
  position: number | null;
  /** position x the per-order service time; null while no service rate is known. */
  etaSeconds: number | null;
  /** When the census the position comes from was taken (it is refreshed every 10 s); null without one. */
  asOf: string | null;
}

/**
 * How waiting orders are ordered (flow-contract.ts): by the tier's priority key, lower first, then by the time they
 * entered that priority. An order of a lower tier that waited its tier's maxQueueWaitMs is re-queued at
 * PROMOTED_PRIORITY_KEY, so it enters that priority at start + maxQueueWaitMs.
 */
export interface PriorityModel {
  priorityOf(tier: Tier): number;
  promotedPriority: number;
  maxQueueWaitMs(tier: Tier): number;
}

export function flowPriorityModel(policy: FlowPolicy = DEFAULT_FLOW_POLICY): PriorityModel {
  return {
    priorityOf: (tier) => TIER_PRIORITY_KEY[tier],
    promotedPriority: PROMOTED_PRIORITY_KEY,
    maxQueueWaitMs: (tier) => policy[tier].maxQueueWaitMs,
  };
}

export interface WaitingOrderFacts {
  tier: Tier;
  userId: number;
  startTime: Date;
}

/** Where an order stands now: its effective priority and when it entered it. */
interface Standing {
  level: number;
  enteredMs: number;
}

const promotable = (model: PriorityModel, tier: Tier) => model.priorityOf(tier) > model.promotedPriority;

function standing(model: PriorityModel, tier: Tier, startMs: number, nowMs: number): Standing {
  const wait = model.maxQueueWaitMs(tier);
  if (promotable(model, tier) && nowMs - startMs >= wait)
    return { level: model.promotedPriority, enteredMs: startMs + wait };
  return { level: model.priorityOf(tier), enteredMs: startMs };
}

/**
 * Where a waiting order stands among the waiting orders of the last census: those whose effective priority
 * (promotion counted from the start time) is better, plus those of equal priority that entered it earlier. Fairness
 * between users, roughly: each of the user's own orders ahead lets about one later order of another user at the same
 * priority through (Temporal's fairness keys serve users in turn). The census is at most a couple of intervals old
 * (`asOf`); an order that entered after it is counted from the census as it was.
 */
export function queuePlace(
  census: QueueCensus,
  model: PriorityModel,
  me: WaitingOrderFacts,
  rate: ServiceRate,
  nowMs = Date.now(),
): QueuePlace {
  const myStart = me.startTime.getTime();
  const mine = standing(model, me.tier, myStart, nowMs);
  let ahead = 0;
  let ownEarlier = 0;
  let othersLater = 0;
  let skippedSelf = false;
  for (const entry of census.waiting) {
    const other = waitingOrder(entry);
    if (!skippedSelf && other.userId === me.userId && other.tier === me.tier && other.startMs === myStart) {
      skippedSelf = true;
      continue;
    }
    const theirs = standing(model, other.tier, other.startMs, nowMs);
    if (theirs.level < mine.level || (theirs.level === mine.level && theirs.enteredMs < mine.enteredMs)) ahead += 1;
    if (other.tier !== me.tier) continue;
    if (other.userId === me.userId && other.startMs < myStart) ownEarlier += 1;
    if (other.userId !== me.userId && other.startMs > myStart && theirs.level <= mine.level) othersLater += 1;
  }
  const position = ahead + Math.min(ownEarlier, othersLater);
  const etaSeconds = rate.perOrderSeconds === null ? null : Math.ceil(position * rate.perOrderSeconds);
  return { position, etaSeconds, asOf: census.takenAt };
}
