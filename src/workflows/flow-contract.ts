import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * Flow control (issue 4): the contract the worker side keeps and the API reads. Workflow-safe (no I/O).
 *
 * Priorities: every order runs with Temporal task-queue priority `{ priorityKey: TIER_PRIORITY_KEY[tier],
 * fairnessKey: fairnessKeyOf(userId) }` (lower key first, users of one level served in turn). Each provider step
 * waits in the queue at most the tier's `maxQueueWaitMs`; when that runs out the step is re-scheduled with
 * `PROMOTED_PRIORITY_KEY` and the order stays promoted for its remaining steps (`OrderState.priority.promoted`).
 */
/** Customer tiers, best first. */
export const TIERS = ['premium', 'standard', 'free'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_PRIORITY_KEY: Record<Tier, number> = { premium: 1, standard: 3, free: 5 };
export const PROMOTED_PRIORITY_KEY = 1;
export const fairnessKeyOf = (userId: number): string => `user-${userId}`;

/**
 * Per-tier limits (defaults below, QUEUE_MAX_WAIT_* and CAPACITY_WAIT_* override them), fixed for an order when the
 * API accepts it (`ProvisionOptions.policy`).
 */
export interface TierPolicy {
  /** Longest a provider step waits for dispatch before the order is promoted to PROMOTED_PRIORITY_KEY. */
  maxQueueWaitMs: number;
  /** Longest an order waits for room on a node (WAITING_FOR_CAPACITY) before it fails with NO_CAPACITY. */
  capacityWaitMs: number;
}
export type FlowPolicy = Record<Tier, TierPolicy>;

export const DEFAULT_FLOW_POLICY: FlowPolicy = {
  premium: { maxQueueWaitMs: 30_000, capacityWaitMs: 30 * 60_000 },
  standard: { maxQueueWaitMs: 5 * 60_000, capacityWaitMs: 2 * 60 * 60_000 },
  free: { maxQueueWaitMs: 30 * 60_000, capacityWaitMs: 6 * 60 * 60_000 },
};

/** `OrderState.error.type` of an order that waited `capacityWaitMs` for room and never got it. */
export const NO_CAPACITY_ERROR = 'NO_CAPACITY';

/**
 * Why an order is waiting (`OrderState.waitingReason`), null while a step is running:
 * - `dispatch`: its provider step waits in the task queue for its turn (status QUEUED for the first step);
 * - `capacity`: no node of its locations has room (status WAITING_FOR_CAPACITY);
 * - `provider`: the panel's or the chosen node's circuit breaker is open (status WAITING_FOR_PROVIDER).
 */
export const WAITING_REASONS = ['dispatch', 'capacity', 'provider'] as const;
export type WaitingReason = (typeof WAITING_REASONS)[number];

/** `OrderState.priority`: what the order runs with now. */
export interface OrderPriority {
  priorityKey: number;
  fairnessKey: string;
  /** True once a step waited longer than the tier's maxQueueWaitMs (priorityKey is then PROMOTED_PRIORITY_KEY). */
  promoted: boolean;
  promotedAt: string | null;
}

/** The task queue of every activity that calls the panel; polled at the provider budget's rate. */
export const providerTaskQueue = (taskQueue: string): string => `${taskQueue}-provider`;

/** The task queue of the API processes' worker: admission shards and the queue census (src/worker/api-worker.ts). */
export const apiTaskQueue = (taskQueue: string): string => `${taskQueue}-api`;

/** The task queue of the provider steps that usually make no panel request (PLANNING_ACTIVITIES). */
export const planningTaskQueue = (taskQueue: string): string => `${taskQueue}-planning`;

/** The long-lived workflow that gathers the worker processes' flow reports; one per order task queue. */
export const FLOW_CONTROL_WORKFLOW_TYPE = 'flowControl';
export const flowControlWorkflowId = (taskQueue: string): string => `flow-control-${taskQueue}`;

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerView {
  /** `panel`: the whole Application API; `node`: daemon errors of one node (its orders wait, others go on). */
  scope: 'panel' | 'node';
  nodeId: number | null;
  state: BreakerState;
  /** Consecutive transient failures counted toward opening. */
  failures: number;
  openedAt: string | null;
  /** When an open breaker lets its next probe through. */
  retryAt: string | null;
}

export interface BudgetView {
  /** PROVIDER_RATE_LIMIT: the panel's limit per API key (requests per minute). */
  limitPerMinute: number;
  /** PROVIDER_RATE_RESERVE as a fraction (0.1 = 10 %) kept free for other users of the key. */
  reserve: number;
  /** The dispatch rate the provider task queue runs at now (adapted to the panel's answers), requests per minute. */
  ratePerMinute: number;
  /** Most the rate may be: limitPerMinute x (1 - reserve). */
  maxRatePerMinute: number;
  /** Panel requests made by all reporting processes in the last 60 s, and how many of them got a 429. */
  callsLastMinute: number;
  rateLimitedLastMinute: number;
  /** Last X-RateLimit-Limit / -Remaining seen (null before any). */
  panelLimit: number | null;
  panelRemaining: number | null;
  lastRateLimitedAt: string | null;
}

export interface ResourceView {
  /** Node size including overallocation (MB). */
  capacity: number;
  /** What the panel counts as allocated (MB), as of the catalogue's last refresh. */
  allocated: number;
  /** Held by orders in flight that the panel does not count yet (MB). */
  reserved: number;
  free: number;
}

export interface NodeCapacityView {
  nodeId: number;
  name: string;
  locationId: number;
  /** Not deployable (maintenance or not public): never chosen. */
  excluded: boolean;
  memory: ResourceView;
  disk: ResourceView;
  /** Free allocations known to the ledger (null until the node's allocations were read) and those reserved now. */
  allocations: { free: number | null; reserved: number };
  breaker: BreakerState;
}

export interface FlowSnapshot {
  taskQueue: string;
  /** Newest report time; older than a few REPORT intervals means no worker is reporting. */
  updatedAt: string | null;
  budget: BudgetView;
  /** Panel breaker first, then node breakers not closed; the worst state over the reporting processes. */
  breakers: BreakerView[];
  /** Capacity per node as the most recently reporting process sees it, with every process's reservations counted. */
  nodes: NodeCapacityView[];
  /** Reporting worker processes (orders waiting per reason: count OrderStatus in visibility). */
  processes: Array<{ identity: string; reportedAt: string; ratePerMinute: number }>;
}

/** An egg's variables as the order check reads them (the panel's egg_variable attributes). */
export interface EggVariableView {
  name: string;
  env_variable: string;
  default_value: string | null;
  user_editable?: boolean;
  rules: string;
}

/** The eggs a worker process read from the panel, for the API's check of order variables (query `eggRules`). */
export interface EggRulesView {
  /** When the process read them from the panel. */
  readAt: string;
  eggs: Array<{ id: number; variables: EggVariableView[] }>;
}

/** What one worker process reports (signal `flowReport`) every FLOW_REPORT_INTERVAL_MS. */
export interface ProcessFlowReport {
  identity: string;
  at: string;
  budget: Omit<BudgetView, 'ratePerMinute' | 'maxRatePerMinute'> & {
    /** The rate this process would pick from what it saw (the workflow takes the minimum over processes). */
    suggestedRatePerMinute: number;
  };
  breakers: BreakerView[];
  nodes: NodeCapacityView[];
  /** Reservations this process holds: other processes count them against node capacity. */
  reservations: Array<{ orderId: string; nodeId: number; allocationId: number; memory: number; disk: number }>;
  /** Orders whose reservation this process released lately (another process may still hold it): dropped everywhere. */
  released: string[];
  /** The eggs as this process last read them: sent when they change and every EGG_RULES_RESEND_MS, not each time. */
  eggs?: EggRulesView;
}

export const FLOW_REPORT_INTERVAL_MS = 2_000;
/** A process that has not reported for this long is dropped from the snapshot. */
export const FLOW_REPORT_EXPIRY_MS = 15_000;

export const flowReportSignal = defineSignal<[ProcessFlowReport]>('flowReport');
/** How often a process sends its eggs again although they did not change. */
export const EGG_RULES_RESEND_MS = 5 * 60_000;
/** The newest eggs any process reported; null before the first. */
export const eggRulesQuery = defineQuery<EggRulesView | null>('eggRules');
/** The merged view: read it with `readFlowSnapshot` (src/flow/snapshot.ts). */
export const flowSnapshotQuery = defineQuery<FlowSnapshot>('flowSnapshot');
/** What one process takes back from the merged reports (query `processView` with its identity). */
export interface ProcessView {
  /** Reservations of the other processes (counted against node capacity) and orders released anywhere. */
  foreign: ProcessFlowReport['reservations'];
  released: string[];
  /** The rate every process's provider worker should use (minimum of the live processes' suggestions). */
  ratePerMinute: number;
  /** Live reporting processes (each runs one install watcher: their share of the budget is set aside). */
  processes: number;
}
export const processViewQuery = defineQuery<ProcessView, [string]>('processView');
