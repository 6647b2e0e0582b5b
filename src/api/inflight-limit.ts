import type { Client } from '@temporalio/client';
import { OrderStatusAttribute, UserIdAttribute, orderWorkflowId, type Order, type OrderStatus } from '../workflows/contract';
import { ApiError } from './errors';
import { isTerminal } from './order-view';
import { IN_FLIGHT_ORDERS, SERVED_ORDERS, query } from './order-visibility';
import { isWorkflowNotFound } from './temporal-errors';

/** Orders this process started are also counted for this long, in case visibility has not indexed them yet. */
const VISIBILITY_LAG_MS = 10_000;
const TURNAROUND_SAMPLE = 20;
const RETRY_AFTER_UNKNOWN_S = 30;
const RETRY_AFTER_MIN_S = 5;
const RETRY_AFTER_MAX_S = 3600;

interface InFlight { workflowId: string; startedMs: number }

/**
 * MAX_INFLIGHT_PER_USER: how many orders one user may have in flight (running, not ACTIVE, FAILED or CANCELLED),
 * counted through visibility. Orders started by this process in the last seconds are checked directly, since
 * visibility may not show them yet; requests of one user are admitted one at a time in this process.
 */
export class InflightLimit {
  private readonly turns = new Map<number, Promise<unknown>>();
  private readonly recent = new Map<number, Map<string, number>>();
  private readonly startOrder: Array<{ userId: number; workflowId: string; at: number }> = [];

  constructor(private readonly client: Client, readonly max: number) {}

  /** Runs `admit` after the same user's earlier admissions in this process have finished. */
  async inTurn<T>(userId: number, admit: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(userId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(admit);
    const settled = mine.catch(() => undefined);
    this.turns.set(userId, settled);
    try {
      return await mine;
    } finally {
      if (this.turns.get(userId) === settled) this.turns.delete(userId);
    }
  }

  /** Throws 429 (with Retry-After) when the order would take its user over the limit; a known order id never is. */
  async check(order: Order, resubmitted: boolean): Promise<void> {
    const inFlight = await this.inFlight(order.userId);
    if (inFlight.length < this.max) return;
    if (resubmitted && await this.exists(orderWorkflowId(order.orderId))) return;
    const retryAfter = await this.retryAfterSeconds(inFlight);
    throw new ApiError(429, 'too_many_orders_in_flight',
      `user ${order.userId} already has ${inFlight.length} orders in flight (limit ${this.max}); retry once one has finished`,
      { userId: order.userId, inFlight: inFlight.length, limit: this.max, retryAfterSeconds: retryAfter },
      { 'Retry-After': String(retryAfter) });
  }

  started(userId: number, workflowId: string): void {
    const now = Date.now();
    while (this.startOrder.length > 0 && now - this.startOrder[0].at > VISIBILITY_LAG_MS) {
      const { userId: user, workflowId: id } = this.startOrder.shift()!;
      const orders = this.recent.get(user);
      if (orders && (orders.get(id) ?? Infinity) <= now - VISIBILITY_LAG_MS) orders.delete(id);
      if (orders?.size === 0) this.recent.delete(user);
    }
    const orders = this.recent.get(userId) ?? new Map<string, number>();
    this.recent.set(userId, orders.set(workflowId, now));
    this.startOrder.push({ userId, workflowId, at: now });
  }

  private async inFlight(userId: number): Promise<InFlight[]> {
    const found = new Map<string, InFlight>();
    const listing = this.client.workflow.list({ query: query([...IN_FLIGHT_ORDERS, `${UserIdAttribute.name} = ${userId}`]), pageSize: this.max + 1 });
    for await (const info of listing) {
      found.set(info.workflowId, { workflowId: info.workflowId, startedMs: info.startTime.getTime() });
      if (found.size > this.max) break;
    }
    const unseen = [...this.recent.get(userId) ?? []].filter(([id, at]) => Date.now() - at <= VISIBILITY_LAG_MS && !found.has(id));
    for (const [workflowId, startedMs] of unseen) {
      if (await this.stillInFlight(workflowId)) found.set(workflowId, { workflowId, startedMs });
    }
    return [...found.values()];
  }

  private async stillInFlight(workflowId: string): Promise<boolean> {
    try {
      const described = await this.client.workflow.getHandle(workflowId).describe();
      const status = described.typedSearchAttributes.get(OrderStatusAttribute) as OrderStatus | undefined;
      return described.status.name === 'RUNNING' && !(status && isTerminal(status));
    } catch (err) {
      if (isWorkflowNotFound(err)) return false;
      throw err;
    }
  }

  private async exists(workflowId: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (isWorkflowNotFound(err)) return false;
      throw err;
    }
  }

  /** Mean submit-to-close time of recently served orders, minus the oldest in-flight order's age. */
  private async retryAfterSeconds(inFlight: InFlight[]): Promise<number> {
    const turnarounds: number[] = [];
    for await (const info of this.client.workflow.list({ query: query(SERVED_ORDERS), pageSize: TURNAROUND_SAMPLE })) {
      if (info.closeTime) turnarounds.push(info.closeTime.getTime() - info.startTime.getTime());
      if (turnarounds.length >= TURNAROUND_SAMPLE) break;
    }
    if (turnarounds.length === 0) return RETRY_AFTER_UNKNOWN_S;
    const meanMs = turnarounds.reduce((sum, ms) => sum + ms, 0) / turnarounds.length;
    const oldestMs = Math.min(...inFlight.map((o) => o.startedMs));
    const remainingS = Math.ceil((meanMs - (Date.now() - oldestMs)) / 1000);
    return Math.min(RETRY_AFTER_MAX_S, Math.max(RETRY_AFTER_MIN_S, remainingS));
  }
}
