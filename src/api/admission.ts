import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import {
  ADMISSION_BATCH,
  ADMISSION_WORKFLOW_TYPE,
  admissionShardOf,
  admissionWorkflowId,
  admitOrdersUpdate,
  orderLeftSignal,
  type AdmissionInput,
  type AdmitRequest,
  type AdmitResult,
} from '../workflows/admission-contract';
import type { Order } from '../workflows/contract';
import { apiTaskQueue } from '../workflows/flow-contract';
import { ApiError } from './errors';

const RETRY_AFTER_UNKNOWN_S = 30;
const RETRY_AFTER_MIN_S = 5;
const RETRY_AFTER_MAX_S = 3600;
const ATTEMPTS = 3;

export interface AdmissionOptions {
  client: Client;
  /** The order task queue. */
  taskQueue: string;
  /** MAX_INFLIGHT_PER_USER. */
  limit: number;
  /** How long an admission may take before the API answers 503; default 5 s. */
  timeoutMs?: number;
  /** Mean submit-to-finish time of recently finished orders (from the queue census), for Retry-After; null unknown. */
  turnaroundMs?: () => Promise<number | null>;
}

/** `Retry-After` of a refusal: the typical turnaround minus the age of the user's oldest order in flight, 5 s-1 h. */
export function retryAfterSeconds(turnaroundMs: number | null, oldestAdmittedAt: string, now = Date.now()): number {
  if (turnaroundMs === null) return RETRY_AFTER_UNKNOWN_S;
  const remaining = Math.ceil((turnaroundMs - (now - Date.parse(oldestAdmittedAt))) / 1000);
  return Math.min(RETRY_AFTER_MAX_S, Math.max(RETRY_AFTER_MIN_S, remaining));
}

interface Waiting {
  request: AdmitRequest;
  resolve: (result: AdmitResult) => void;
  reject: (err: unknown) => void;
}

/**
 * MAX_INFLIGHT_PER_USER through the user's admission shard (see admission-contract.ts), decided by the shard one
 * admission at a time, so it holds exactly for any number of API processes. Each process sends a shard one update
 * (with start) at a time, carrying every admission that arrived while the previous one was in flight: under load a
 * workflow task decides a batch, not a single order.
 */
export class Admission {
  private readonly shards = new Map<number, { sending: boolean; waiting: Waiting[] }>();

  constructor(private readonly options: AdmissionOptions) {}

  get limit(): number {
    return this.options.limit;
  }

  /** Admits the order or says why not; 503 when no API worker answered in time. */
  admit(order: Order): Promise<AdmitResult> {
    const shard = admissionShardOf(order.userId);
    const state = this.shards.get(shard) ?? { sending: false, waiting: [] };
    this.shards.set(shard, state);
    const result = new Promise<AdmitResult>((resolve, reject) => {
      state.waiting.push({
        request: { orderId: order.orderId, userId: order.userId, limit: this.options.limit },
        resolve,
        reject,
      });
    });
    if (!state.sending) void this.send(order.userId, state);
    return result;
  }

  private async send(userId: number, state: { sending: boolean; waiting: Waiting[] }): Promise<void> {
    state.sending = true;
    try {
      while (state.waiting.length > 0) {
        const batch = state.waiting.splice(0, ADMISSION_BATCH);
        try {
          const results = await this.update(
            userId,
            batch.map((w) => w.request),
          );
          batch.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      state.sending = false;
    }
  }

  private async update(userId: number, requests: AdmitRequest[]): Promise<AdmitResult[]> {
    const { client, taskQueue } = this.options;
    const workflowId = admissionWorkflowId(taskQueue, userId);
    const input: AdmissionInput = { taskQueue, shard: admissionShardOf(userId) };
    for (let attempt = 1; ; attempt++) {
      const startWorkflowOperation = new WithStartWorkflowOperation(ADMISSION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: apiTaskQueue(taskQueue),
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      try {
        return await client.connection.withDeadline(Date.now() + (this.options.timeoutMs ?? 5000), () =>
          client.workflow.executeUpdateWithStart(admitOrdersUpdate, { args: [requests], startWorkflowOperation }),
        );
      } catch (err) {
        if (attempt < ATTEMPTS && isClosedDuringUpdate(err)) continue;
        if (isDeadline(err))
          throw new ApiError(503, 'admission_unavailable', 'the order could not be admitted in time; try again', null);
        throw err;
      }
    }
  }

  /** The order no longer counts (it could not be started, or it turned out to exist already and be over). */
  async release(order: Order): Promise<void> {
    await this.options.client.workflow
      .getHandle(admissionWorkflowId(this.options.taskQueue, order.userId))
      .signal(orderLeftSignal, { orderId: order.orderId, userId: order.userId })
      .catch(() => undefined);
  }

  /** The 429 for a refused admission, with Retry-After. */
  async refusal(order: Order, refused: Extract<AdmitResult, { admitted: false }>): Promise<ApiError> {
    const turnaround = (await this.options.turnaroundMs?.().catch(() => null)) ?? null;
    const retryAfter = retryAfterSeconds(turnaround, refused.oldestAdmittedAt);
    return new ApiError(
      429,
      'too_many_orders_in_flight',
      `user ${order.userId} already has ${refused.inFlight} orders in flight (limit ${this.limit}); retry once one has finished`,
      { userId: order.userId, inFlight: refused.inFlight, limit: this.limit, retryAfterSeconds: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }
}

/** The shard continued as new (or closed) between the start and the update: the next attempt reaches its new run. */
function isClosedDuringUpdate(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'WorkflowNotFoundError' || name === 'WorkflowUpdateRPCTimeoutOrCancelledError';
}

function isDeadline(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number }; name?: string };
  return e.code === 4 || e.cause?.code === 4 || e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError';
}
