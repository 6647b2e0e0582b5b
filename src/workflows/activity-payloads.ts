import type { Server } from '../provider/schemas';
import type { Order, ProvisionedServer } from './contract';
import type { ServerClaim } from './own-server';

/**
 * The inputs and results of every activity (see activity-contract.ts, which re-exports them): the order's steps, the
 * rollbacks both workflows run, the lifecycle operations, admission and the census.
 */

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

export interface ReleaseInput {
  orderId: string;
}

export interface ReleaseResult {
  released: number[];
}

/**
 * Details create adds to its failure when no create request of the order can have made a server: the order's first
 * and only request was refused by the panel (400, 403, 422) or never sent (the egg's rules refused the order). The
 * rollback then skips the wait for a request whose answer was lost (DeleteServerInput.createSent).
 */
export interface CreatedNothing {
  createdNothing: true;
}

export interface DeleteServerInput {
  orderId: string;
  /**
   * A create request was sent for the order: when the look-up finds no server, the rollback looks again once the
   * panel could have finished a request whose answer was lost.
   */
  createSent?: boolean;
  /**
   * The order's server as the workflow recorded it (create's answer): only this server is deleted, and only while it
   * still carries `claim.externalId`. Absent when none was recorded: the server is looked up by `claim.externalId`
   * and deleted only when it is the claim's (see ServerClaim).
   */
  serverId?: number;
  /**
   * Whose server it is. Required: an input without it (scheduled by a version before the own-server marker) deletes
   * nothing and fails with ForeignServer, so the order parks and an operator's rollback runs it again with one.
   */
  claim?: ServerClaim;
}

export interface DeleteServerResult {
  outcome: 'deleted' | 'force_deleted' | 'already_gone';
  serverId: number | null;
  /** A server found under the order's external_id that is not the order's: left untouched. */
  sparedServerId?: number;
}

export type BuildLimits = Order['limits'];

export interface ServerRef {
  orderId: string;
  serverId: number;
  /** The external_id the server must carry (ForeignServer otherwise); absent in inputs from earlier versions: unchecked. */
  externalId?: string;
}

export interface ChangeResult {
  /** False when the panel already was in the wanted state and no change was sent. */
  changed: boolean;
}

export interface ApplyBuildInput extends ServerRef {
  limits: BuildLimits;
}

/** Where an admitted order is, as Temporal knows it (describe): `missing` when no workflow has its id (yet). */
export interface AdmittedOrderState {
  orderId: string;
  state: 'in_flight' | 'ended' | 'missing';
}

export interface TakeCensusInput {
  /** The order task queue. */
  taskQueue: string;
  /** Count the finished orders by status and tier too (every CENSUS_FINISHED_EVERY-th census). */
  finished: boolean;
  /** The census workflow's interval, recorded in the census. */
  intervalMs: number;
}
