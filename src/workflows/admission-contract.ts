import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * Admission (the per-user in-flight limit, MAX_INFLIGHT_PER_USER): users are spread over ADMISSION_SHARDS long-lived
 * `orderAdmission` workflows (by user id). POST /v1/orders admits an order through update-with-start of its user's
 * shard before starting the order workflow; the shard decides one admission at a time, so the limit is exact for any
 * number of API processes, with no visibility call. Orders do not report their end: a shard asked to admit a user at
 * the limit first checks that user's admitted orders with Temporal (describe, not visibility) and forgets those that
 * are gone or finished, and it checks them all before it continues as new.
 */
export const ADMISSION_WORKFLOW_TYPE = 'orderAdmission';
/**
 * Fixed: changing it would move users to shards that do not know their orders in flight. Few shards, because an API
 * process sends each shard one update at a time with every admission that arrived meanwhile (a workflow task per
 * batch, not per order).
 */
export const ADMISSION_SHARDS = 4;
/** Admissions one update carries at most. */
export const ADMISSION_BATCH = 100;

export const admissionShardOf = (userId: number): number =>
  ((userId % ADMISSION_SHARDS) + ADMISSION_SHARDS) % ADMISSION_SHARDS;
/** The shard workflow of a user's orders on the order task queue `taskQueue`. */
export const admissionWorkflowId = (taskQueue: string, userId: number): string =>
  `admission-${taskQueue}-${admissionShardOf(userId)}`;

export interface AdmitRequest {
  orderId: string;
  userId: number;
  /** The API's MAX_INFLIGHT_PER_USER. */
  limit: number;
}

export type AdmitResult =
  /** `known`: the order was admitted before and is still counted (a repeated request). */
  | { admitted: true; known: boolean; inFlight: number }
  /** The user has `inFlight` >= limit orders in flight; the oldest was admitted at `oldestAdmittedAt`. */
  | { admitted: false; inFlight: number; oldestAdmittedAt: string };

/** One admitted order a shard counts as in flight. */
export interface AdmittedOrder {
  orderId: string;
  userId: number;
  admittedAt: string;
}

export interface AdmissionInput {
  /** The order task queue the shard admits for. */
  taskQueue: string;
  shard: number;
  /** Carried over by continue-as-new. */
  admitted?: AdmittedOrder[];
  /** Admissions and releases before continuing as new; default ADMISSION_EVENTS_PER_RUN (tests set fewer). */
  eventsPerRun?: number;
}

/** Admits each order whose user is under the limit, in order (update-with-start from the API); one result each. */
export const admitOrdersUpdate = defineUpdate<AdmitResult[], [AdmitRequest[]]>('admitOrders');
/** The order no longer counts (the API could not start it, or it turned out to exist already and be over). */
export const orderLeftSignal = defineSignal<[{ orderId: string; userId: number }]>('orderLeft');
/** The orders the shard counts as in flight, by user. */
export const admittedQuery = defineQuery<AdmittedOrder[]>('admitted');
