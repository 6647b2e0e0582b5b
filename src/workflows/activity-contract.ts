import type { OperatorAlert, OperatorWebhookResult } from './operator-alert-contract';
import type { DeliverCallbackInput, DeliverCallbackResult } from '../callbacks/contract';
import type { Server } from '../provider/schemas';
import type { AdmittedOrder } from './admission-contract';
import type { QueueCensus } from './census-contract';
import type { Order, ProvisionedServer } from './contract';
import type { FlowPolicy } from './flow-contract';
import {
  LIFECYCLE_PROVIDER_ACTIVITIES,
  type DeleteServerInput,
  type DeleteServerResult,
  type LifecycleActivities,
  type ReleaseInput,
  type ReleaseResult,
} from './server-operation-contract';

export type { DeleteServerInput, DeleteServerResult, ReleaseInput, ReleaseResult };

/** A panel allocation reserved for one order on one node. */
export interface AllocatedSlot {
  allocationId: number;
  nodeId: number;
  ip: string;
  port: number;
}

export interface AllocateInput {
  order: Order;
  /** Allocations the panel already refused for this order (taken concurrently): never picked again. */
  excludeAllocationIds: number[];
  /** Re-read the node list when the process's copy is older than this (an order waiting for capacity); default its TTL. */
  freshWithinMs?: number;
}

export interface CapacityInput {
  order: Order;
}

export interface CapacityResult {
  /** True when some node of the order's locations has room now (allocate may still lose the race). */
  fits: boolean;
  /** True when the only nodes with room have an open breaker. */
  blockedByBreaker: boolean;
}

export interface CreateInput {
  order: Order;
  slot: AllocatedSlot;
  /**
   * Look the order up before creating: set when an earlier run of this step may have created the server. The first
   * attempt of a first run skips the look-up (one request saved); the panel's unique external_id keeps it safe.
   */
  lookFirst?: boolean;
  /**
   * The external_id to create the server with and to look it up by: `ownExternalId(orderId)` for orders started with
   * the own-server marker; absent (orders started before): the bare orderId. A server found under it is adopted only
   * when it is the order's (ServerClaim: exact external_id, user, name and this slot's allocation), else the step
   * fails with ForeignServer.
   */
  externalId?: string;
}

export interface CreateResult {
  server: ProvisionedServer;
  /** True when the order's server already existed (an earlier attempt created it) and was adopted instead of created. */
  adopted: boolean;
}

export interface InstallInput {
  orderId: string;
  serverId: number;
  /** The server's external_id, which the batched install check filters on; absent (earlier versions): orderId. */
  externalId?: string;
  /** How long this order's installation may take, counted from the first attempt (kept across retries). */
  deadlineMs: number;
}

export interface InstallResult {
  reinstalled: boolean;
  waitedMs: number;
  /** The installed server as the last status check saw it (configure compares with it instead of reading again). */
  server?: Server;
}

export interface ConfigureInput {
  order: Order;
  serverId: number;
  /** The server as last seen (InstallResult.server); without it configure reads the server first. */
  observed?: Server;
}

export interface ConfigureResult {
  updated: Array<'startup' | 'build'>;
}

export interface VerifyInput {
  order: Order;
  server: ProvisionedServer;
  /** The external_id the server must carry; absent (orders started before the own-server marker): orderId. */
  externalId?: string;
}

/**
 * Activities that call the panel: they run on the provider task queue (`providerTaskQueue(taskQueue)`), whose
 * dispatch rate is the provider budget, and make one panel request each in the common case.
 */
export const PROVIDER_ACTIVITIES = ['create', 'verify', 'deleteServer', ...LIFECYCLE_PROVIDER_ACTIVITIES] as const;

/**
 * Provider steps that usually make no panel request (an allocation from the ledger, a configure with nothing to
 * change): they run on the planning task queue (`planningTaskQueue(taskQueue)`), dispatched by priority at the
 * provider queue's rate, so they keep their turn without spending the budget's dispatches. Their occasional requests
 * are counted and left out of the provider queue's rate.
 */
export const PLANNING_ACTIVITIES = ['allocate', 'configure'] as const;

/** Where an admitted order is, as Temporal knows it (describe): `missing` when no workflow has its id (yet). */
export interface AdmittedOrderState {
  orderId: string;
  state: 'in_flight' | 'ended' | 'missing';
}

/** Local activity of an admission shard (run by the API processes' worker). */
export interface AdmissionActivities {
  /** Whether each order's workflow runs and is not ACTIVE, FAILED or CANCELLED (`in_flight`), ended, or is missing. */
  checkAdmittedOrders(orders: AdmittedOrder[]): Promise<AdmittedOrderState[]>;
}

export interface TakeCensusInput {
  /** The order task queue. */
  taskQueue: string;
  /** Count the finished orders by status and tier too (every CENSUS_FINISHED_EVERY-th census). */
  finished: boolean;
  /** The census workflow's interval, recorded in the census. */
  intervalMs: number;
}

/** Activity of the `queueCensus` workflow (order task queue): the bounded visibility reads of one census. */
export interface CensusActivities {
  takeCensus(input: TakeCensusInput): Promise<QueueCensus>;
}

/** Local activity of `provisionServer`: the worker's per-tier policy, read once at the order's start. */
export interface FlowActivities {
  flowPolicy(): Promise<FlowPolicy>;
}

/** The activities of `provisionServer` and `serverOperation`; implemented by `createActivities` in src/activities. */
export interface ProvisioningActivities extends LifecycleActivities {
  allocate(input: AllocateInput): Promise<AllocatedSlot>;
  create(input: CreateInput): Promise<CreateResult>;
  install(input: InstallInput): Promise<InstallResult>;
  configure(input: ConfigureInput): Promise<ConfigureResult>;
  verify(input: VerifyInput): Promise<ProvisionedServer>;
  /** Whether the order could be placed now, from the process's catalogue (no dispatch; at most one node read). */
  checkCapacity(input: CapacityInput): Promise<CapacityResult>;
  /** Compensation of allocate. */
  releaseAllocation(input: ReleaseInput): Promise<ReleaseResult>;
  /**
   * Compensation of create: deletes the order's server (the recorded one, else found by external_id), only when it is
   * the order's (see DeleteServerInput), force if needed, confirmed by a look-up.
   */
  deleteServer(input: DeleteServerInput): Promise<DeleteServerResult>;
  /** POSTs one signed status event to the order's callbackUrl (order task queue; never calls the panel). */
  deliverCallback(input: DeliverCallbackInput): Promise<DeliverCallbackResult>;
  /** POSTs a parked order's alert to OPERATOR_WEBHOOK_URL, if set (order task queue). */
  notifyOperators(input: OperatorAlert): Promise<OperatorWebhookResult>;
}
