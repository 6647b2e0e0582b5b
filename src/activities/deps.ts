import type { Logger } from 'pino';
import type { Admission } from '../flow/breaker';
import type { Sighting } from '../flow/install-watcher';
import type { Reservation } from '../flow/reservations';
import type { Allocation, EggWithVariables, PanelNode, PterodactylClient } from '../provider';
import type { OperatorWebhookFormat } from '../workflows/operator-alert-contract';
import type { OutboundGuard } from '../net/outbound-guard';
import type { VariablePolicy } from '../provider/validation/egg-variables';

/** The process's panel clients, every call passing its flow control (budget, breakers). */
export interface PanelAccess {
  /** For an order's steps: refused fast (CircuitOpenError) while the panel's breaker is open. */
  panel: PterodactylClient;
  /** For rollbacks: never refused by an open breaker, though its outcomes still feed the breakers. */
  compensationPanel: PterodactylClient;
  /** The client for calls acting on one node: its daemon errors count toward that node's breaker. */
  panelForNode(nodeId: number, failFast?: boolean): PterodactylClient;
}

/**
 * The process's cached copy of the panel's nodes, free allocations and eggs, corrected for the servers this process
 * created, resized or deleted since it was read.
 */
export interface PanelCatalogue {
  /** Every node; re-read when the copy is older than `maxAgeMs`. */
  listNodes(maxAgeMs?: number): Promise<PanelNode[]>;
  /** Free allocations of a node as last read (lowest id first); re-read when stale or when `refresh` is set. */
  freeAllocations(nodeId: number, refresh?: boolean): Promise<Allocation[]>;
  /** True when the node's free allocations were read more than `ms` ago (or never). */
  poolOlderThan(nodeId: number, ms: number): boolean;
  /** Drops an allocation from its node's free ones (a server now holds it, or the panel refused it). */
  takeAllocation(nodeId: number, allocationId: number): void;
  /** Counts a server this process created (+), resized or deleted (-) on a node until the next read shows it. */
  adjustNode(nodeId: number, delta: { memory: number; disk: number }): void;
  /** The egg with its variables, or undefined when no nest has it. */
  findEgg(eggId: number): Promise<EggWithVariables | undefined>;
}

/** The allocations and node resources held by orders in flight: this process's reservations and the others'. */
export interface CapacityLedger {
  /** The order's reservation in this process, if it holds one. */
  heldBy(orderId: string): Reservation | undefined;
  /** Reserves for the order; false when another order of this process holds the allocation. */
  reserve(reservation: Reservation): boolean;
  /** Drops the order's reservation (idempotent); returns the allocation ids released. */
  release(orderId: string): number[];
  /** Memory and disk other orders hold on a node, this process's and those other processes report. */
  reservedOn(nodeId: number, exceptOrderId: string): { memory: number; disk: number };
  /** True when another order (of this or another process) holds the allocation. */
  allocationHeld(allocationId: number, orderId: string): boolean;
}

/** The per-node circuit breakers, as placement reads them. */
export interface NodeBreakers {
  /** The node's breaker: `admit()` asks whether a call may go to it now, `cancelProbe()` returns an unused probe. */
  node(nodeId: number): { admit(): Admission; cancelProbe(): void };
  /** True while the node's breaker refuses calls. */
  nodeBlocked(nodeId: number): boolean;
}

/** The process's batched install check: one panel listing per interval for every server being waited on. */
export interface InstallWatch {
  /** The current interval between two checks. */
  readonly intervalMs: number;
  /**
   * The next sighting of the server with this external_id after this call, or undefined after `maxWaitMs` without
   * one.
   */
  next(externalId: string, serverId: number, maxWaitMs: number): Promise<Sighting | undefined>;
  /** Stops watching the server with this external_id. */
  forget(externalId: string): void;
}

/**
 * Everything the activities need, wired once by the worker (see src/worker/activity-deps.ts); `createActivities`
 * hands each activity only its part.
 */
export interface ActivityDeps extends PanelAccess {
  catalogue: PanelCatalogue;
  ledger: CapacityLedger;
  breakers: NodeBreakers;
  /** How old a node list a capacity check may use. */
  capacityRefreshMs: number;
  watcher: InstallWatch;
  /** Settles when the process begins to stop: long waits then hand their activity back. */
  draining: Promise<void>;
  logger: Logger;
  /** ORDER_ADMIN_VARIABLES: whether orders may set egg variables that are not user-editable; default no. */
  variablePolicy?: VariablePolicy;
  /** How long the panel may still take to finish a create whose answer was lost (see deleteServer); default 20 s. */
  createSettleMs?: number;
  /** CALLBACK_SECRETS (`whsec_...`, newest first): the Standard Webhooks keys order callbacks are signed with. */
  callbackSecrets?: readonly string[];
  /** CALLBACK_SECRET (legacy, raw): signs the legacy headers, and callbacks as the oldest key (never passed through workflows). */
  callbackSecret?: string;
  /** CALLBACK_PER_HOST_CONCURRENCY: deliveries in flight to one receiver host per process; default 4. */
  callbackPerHost?: number;
  /** CALLBACK_LEGACY_HEADERS: also send X-Signature, X-Timestamp, X-Event-Id; default true. */
  callbackLegacyHeaders?: boolean;
  /** Per-request timeout of a callback delivery; default 10 s. */
  callbackTimeoutMs?: number;
  /** OPERATOR_WEBHOOK_URL and _FORMAT: where parked orders are announced; no URL, no announcement. */
  operatorWebhook?: { url?: string; format?: OperatorWebhookFormat };
  /**
   * The outbound-address guard of callbacks and the operator webhook, with CALLBACK_ALLOWED_HOSTS; default: public
   * addresses only.
   */
  outboundGuard?: OutboundGuard;
}

export const DEFAULT_CALLBACK_PER_HOST = 4;
