import type { Client } from '@temporalio/client';
import { TIERS, TierAttribute, UserIdAttribute, type Tier } from '../workflows/contract';
import { DEFAULT_FLOW_POLICY, PROMOTED_PRIORITY_KEY, TIER_PRIORITY_KEY, type FlowPolicy } from '../workflows/flow-contract';
import { WAITING_ORDERS, countOrders, notOrder, timeLiteral } from './order-visibility';
import type { ServiceRate } from './service-rate';

/** `queue` of GET /v1/orders/:id while the order waits. */
export interface QueuePlace {
  /** Waiting orders expected to be served before this one. */
  position: number;
  /** position x the per-order service time; null while no service rate is known. */
  etaSeconds: number | null;
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
  workflowId: string;
  tier: Tier;
  userId: number;
  startTime: Date;
}

const NEVER = -Infinity;
const ALWAYS = Infinity;

/** Where an order stands now: its effective priority and when it entered it. */
interface Standing { level: number; enteredMs: number }

const promotable = (model: PriorityModel, tier: Tier) => model.priorityOf(tier) > model.promotedPriority;

function standing(model: PriorityModel, tier: Tier, startMs: number, nowMs: number): Standing {
  const wait = model.maxQueueWaitMs(tier);
  if (promotable(model, tier) && nowMs - startMs >= wait) return { level: model.promotedPriority, enteredMs: startMs + wait };
  return { level: model.priorityOf(tier), enteredMs: startMs };
}

/**
 * Orders of `tier` served before `me` are those started before one cutoff: the ones with a better effective
 * priority, and the ones that entered the same priority earlier.
 */
function cutoffFor(model: PriorityModel, tier: Tier, me: Standing, nowMs: number): number {
  const base = model.priorityOf(tier);
  if (base < me.level) return ALWAYS;
  const wait = model.maxQueueWaitMs(tier);
  const promotedAhead = promotable(model, tier) && model.promotedPriority < me.level ? nowMs - wait : NEVER;
  if (base === me.level) return Math.max(promotedAhead, me.enteredMs);
  return promotable(model, tier) && model.promotedPriority === me.level ? me.enteredMs - wait : promotedAhead;
}

/** The latest start time of an order of `tier` that is at `level` or better now. */
function latestStartAtOrBetter(model: PriorityModel, tier: Tier, level: number, nowMs: number): number {
  if (model.priorityOf(tier) <= level) return ALWAYS;
  return promotable(model, tier) && model.promotedPriority <= level ? nowMs - model.maxQueueWaitMs(tier) : NEVER;
}

const startedBefore = (cutoff: number): string[] => (cutoff === ALWAYS ? [] : [`StartTime < ${timeLiteral(new Date(cutoff))}`]);

async function countStartedBefore(client: Client, clauses: string[], cutoff: number): Promise<number> {
  return cutoff === NEVER ? 0 : countOrders(client, [...clauses, ...startedBefore(cutoff)]);
}

/**
 * Where a waiting order stands, from visibility counts only (so it holds on any cluster): the waiting orders of
 * every tier whose effective priority (promotion counted from the start time) is better, plus those of equal
 * priority enqueued earlier. Fairness between users, roughly: each of the user's own orders ahead lets about one
 * later order of another user at the same priority through (Temporal's fairness keys serve users in turn).
 */
export async function queuePlace(client: Client, model: PriorityModel, me: WaitingOrderFacts, rate: ServiceRate): Promise<QueuePlace> {
  const nowMs = Date.now();
  const mine = standing(model, me.tier, me.startTime.getTime(), nowMs);
  const others = [...WAITING_ORDERS, notOrder(me.workflowId)];
  const sameTier = [...others, `${TierAttribute.name} = '${me.tier}'`];
  const samePriorityLater = latestStartAtOrBetter(model, me.tier, mine.level, nowMs);
  const [ahead, ownEarlier, othersLater] = await Promise.all([
    Promise.all(TIERS.map((tier) => countStartedBefore(client, [...others, `${TierAttribute.name} = '${tier}'`],
      cutoffFor(model, tier, mine, nowMs)))),
    countOrders(client, [...sameTier, `${UserIdAttribute.name} = ${me.userId}`, `StartTime < ${timeLiteral(me.startTime)}`]),
    countStartedBefore(client, [...sameTier, `${UserIdAttribute.name} != ${me.userId}`, `StartTime > ${timeLiteral(me.startTime)}`],
      samePriorityLater),
  ]);
  const position = ahead.reduce((sum, n) => sum + n, 0) + Math.min(ownEarlier, othersLater);
  const etaSeconds = rate.perOrderSeconds === null ? null : Math.ceil(position * rate.perOrderSeconds);
  return { position, etaSeconds };
}
