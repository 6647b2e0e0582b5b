import type { FlowSnapshot } from '../flow/snapshot';
import { statusIndex, type QueueCensus } from '../workflows/census-contract';
import { TIERS, type Tier } from '../workflows/contract';
import { FLOW_REPORT_EXPIRY_MS } from '../workflows/flow-contract';
import {
  BUCKET_MS,
  HISTORY_BUCKETS,
  emptyBucket,
  historyView,
  type MinuteBucket,
  type QueueHistoryView,
} from './history-series';

/** Longest gap between two compared censuses; beyond it (the API or the census was down) nothing is attributed. */
const MAX_GAP_MS = 150_000;
const QUEUED = statusIndex('QUEUED');

interface Totals {
  atMs: number;
  orders: number;
  finished: number;
  failed: number;
}

interface Seen {
  atMs: number;
  queued: Map<string, { tier: Tier; startMs: number }>;
  all: Set<string>;
}

const sumTiers = (counts: Partial<Record<Tier, number>> | undefined) =>
  TIERS.reduce((total, tier) => total + (counts?.[tier] ?? 0), 0);
const key = (tier: number, userId: number, startMs: number) => `${tier}:${userId}:${startMs}`;

/**
 * The dashboard's last hour, one bucket a minute, kept in this API process and fed with what the queue figures
 * already read (each new census, the flow-control snapshot): no Temporal request of its own. Orders accepted,
 * finished and failed per minute are differences between censuses that counted finished orders; waits to dispatch
 * come from orders seen QUEUED in one census and out of it in the next (or first seen already out, running or ACTIVE).
 */
export class QueueHistory {
  private buckets: MinuteBucket[] = [];
  private lastCensusAt: string | null = null;
  private totals: Totals | null = null;
  private seen: Seen | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  observeCensus(census: QueueCensus | null): void {
    if (!census || census.takenAt === this.lastCensusAt) return;
    this.lastCensusAt = census.takenAt;
    const atMs = Date.parse(census.takenAt);
    if (census.running.truncated) {
      this.totals = null;
      this.seen = null;
      return;
    }
    const bucket = this.bucket(atMs);
    bucket.parked = sumTiers(census.running.byStatusTier.NEEDS_ATTENTION);
    this.observeTotals(census, atMs, bucket);
    this.observeWaits(census, atMs, bucket);
  }

  observeFlow(snapshot: FlowSnapshot | null): void {
    const nowMs = this.now();
    if (!snapshot?.updatedAt || nowMs - Date.parse(snapshot.updatedAt) > FLOW_REPORT_EXPIRY_MS) return;
    const bucket = this.bucket(nowMs);
    const { callsLastMinute, limitPerMinute, reserve } = snapshot.budget;
    bucket.providerCalls = callsLastMinute;
    bucket.providerLimit = limitPerMinute;
    bucket.providerBudget = limitPerMinute * (1 - reserve);
  }

  view(): QueueHistoryView {
    const nowMs = this.now();
    const last = Math.floor(nowMs / BUCKET_MS) * BUCKET_MS;
    const byStart = new Map(this.buckets.map((b) => [b.startMs, b]));
    const grid = Array.from({ length: HISTORY_BUCKETS }, (_, i) => {
      const startMs = last - (HISTORY_BUCKETS - 1 - i) * BUCKET_MS;
      return byStart.get(startMs) ?? emptyBucket(startMs);
    });
    return historyView(grid, nowMs);
  }

  private observeTotals(census: QueueCensus, atMs: number, bucket: MinuteBucket): void {
    if (census.finished?.takenAt !== census.takenAt) return;
    const byStatus = census.finished.byStatusTier;
    const finished = sumTiers(byStatus.ACTIVE) + sumTiers(byStatus.FAILED) + sumTiers(byStatus.CANCELLED);
    const next: Totals = {
      atMs,
      orders: census.running.counted + finished,
      finished,
      failed: sumTiers(byStatus.FAILED),
    };
    const prev = this.totals;
    this.totals = next;
    if (!prev || atMs - prev.atMs > MAX_GAP_MS || atMs <= prev.atMs) return;
    const add = (current: number | null, delta: number) => (current ?? 0) + Math.max(0, delta);
    bucket.accepted = add(bucket.accepted, next.orders - prev.orders);
    bucket.finished = add(bucket.finished, next.finished - prev.finished);
    bucket.failed = add(bucket.failed, next.failed - prev.failed);
  }

  private observeWaits(census: QueueCensus, atMs: number, bucket: MinuteBucket): void {
    const queued = new Map<string, { tier: Tier; startMs: number }>();
    const past: Array<{ id: string; tier: Tier; startMs: number; endMs?: number }> = [];
    for (const [tier, userId, startMs, status] of census.waiting) {
      const id = key(tier, userId, startMs);
      if (status === QUEUED) queued.set(id, { tier: TIERS[tier], startMs });
      else past.push({ id, tier: TIERS[tier], startMs });
    }
    for (const [tier, userId, startMs] of census.recent ?? []) {
      past.push({ id: key(tier, userId, startMs), tier: TIERS[tier], startMs });
    }
    for (const [tier, userId, startMs, closeMs] of census.recentlyActive ?? []) {
      past.push({ id: key(tier, userId, startMs), tier: TIERS[tier], startMs, endMs: closeMs });
    }
    const prev = this.seen;
    this.seen = { atMs, queued, all: new Set([...queued.keys(), ...past.map((p) => p.id)]) };
    if (!prev || atMs - prev.atMs > MAX_GAP_MS || atMs <= prev.atMs) return;
    const waits = (bucket.waits ??= { premium: [], standard: [], free: [] });
    for (const [id, order] of prev.queued) {
      if (!queued.has(id)) waits[order.tier].push((prev.atMs + atMs) / 2 / 1000 - order.startMs / 1000);
    }
    for (const order of past) {
      if (!prev.all.has(order.id) && order.startMs > prev.atMs)
        waits[order.tier].push(((order.endMs ?? atMs) - order.startMs) / 2000);
    }
  }

  private bucket(atMs: number): MinuteBucket {
    const startMs = Math.floor(atMs / BUCKET_MS) * BUCKET_MS;
    let bucket = this.buckets.find((b) => b.startMs === startMs);
    if (!bucket) {
      bucket = emptyBucket(startMs);
      this.buckets.push(bucket);
      this.buckets.sort((a, b) => a.startMs - b.startMs);
      this.buckets = this.buckets.filter((b) => b.startMs > startMs - HISTORY_BUCKETS * BUCKET_MS);
    }
    return bucket;
  }
}
