import type { DeliverCallbackInput, DeliverCallbackResult } from '../callbacks/contract';
import type { BulkAction, BulkFilter, BulkOutcome } from './bulk-contract';
import type {
  AdmittedOrderState,
  AllocateInput,
  AllocatedSlot,
  ApplyBuildInput,
  BuildLimits,
  CapacityInput,
  CapacityResult,
  ChangeResult,
  ConfigureInput,
  ConfigureResult,
  CreateInput,
  CreateResult,
  DeleteServerInput,
  DeleteServerResult,
  InstallInput,
  InstallResult,
  ReleaseInput,
  ReleaseResult,
  ServerRef,
  TakeCensusInput,
  VerifyInput,
} from './activity-payloads';
import type { AdmittedOrder } from './admission-contract';
import type { QueueCensus } from './census-contract';
import type { ProvisionedServer } from './contract';
import type { FlowPolicy } from './flow-contract';
import type { OperatorNotice, OperatorWebhookResult } from './operator-alert-contract';
import type { ReconcileInput, ReconcileReport } from './reconcile-contract';
import type { ServerEntityInput } from './server-entity-contract';

export type * from './activity-payloads';

/**
 * Activities that call the panel: they run on the provider task queue (`providerTaskQueue(taskQueue)`), whose
 * dispatch rate is the provider budget, and make one panel request each in the common case.
 */
export const PROVIDER_ACTIVITIES = [
  'create',
  'verify',
  'deleteServer',
  'suspendServer',
  'unsuspendServer',
  'reinstallServer',
  'readBuild',
  'applyBuild',
  'verifyBuild',
] as const;

/**
 * Provider steps that usually make no panel request (an allocation from the ledger, a configure with nothing to
 * change): they run on the planning task queue (`planningTaskQueue(taskQueue)`), dispatched by priority at the
 * provider queue's rate, so they keep their turn without spending the budget's dispatches. Their occasional requests
 * are counted and left out of the provider queue's rate.
 */
export const PLANNING_ACTIVITIES = ['allocate', 'configure'] as const;

/** Activities served on the order's own task queue (the workflow's queue), beside its workflows. */
export const ORDER_QUEUE_ACTIVITIES = [
  'install',
  'checkCapacity',
  'releaseAllocation',
  'deliverCallback',
  'notifyOperators',
] as const;

/** Local activity of an admission shard (run by the API processes' worker). */
export interface AdmissionActivities {
  /** Whether each order's workflow runs and is not ACTIVE, FAILED or CANCELLED (`in_flight`), ended, or is missing. */
  checkAdmittedOrders(orders: AdmittedOrder[]): Promise<AdmittedOrderState[]>;
}

/** Activity of the `queueCensus` workflow (order task queue): the bounded visibility reads of one census. */
export interface CensusActivities {
  takeCensus(input: TakeCensusInput): Promise<QueueCensus>;
}

/** Activity of `provisionServer` (order task queue): the start of its server's entity once the order is ACTIVE. */
export interface EntityActivities {
  /** `started`: the entity runs (started now, or kept); false when it ended and is not started again. */
  startServerEntity(input: { taskQueue: string; entity: ServerEntityInput }): Promise<{ started: boolean }>;
}

/** The reconciliation sweep's activity (order task queue): see src/activities/reconcile.ts. */
export interface ReconcileActivities {
  reconcilePanel(input: ReconcileInput): Promise<ReconcileReport>;
}

/** Activities of `bulkAction` (API worker): the targets of the filter (visibility, paced), and the action on one. */
export interface BulkActivities {
  bulkTargets(input: { action: BulkAction; filter: BulkFilter }): Promise<{ orderIds: string[]; truncated: boolean }>;
  /** Acts on one target; `failed` with the reason when the entity or order refused (a busy server is retried). */
  bulkApply(input: {
    action: BulkAction;
    orderId: string;
    filter: BulkFilter;
    requestedBy: string;
    reason?: string;
  }): Promise<{ outcome: BulkOutcome; reason?: string }>;
}

/** Local activity of `provisionServer`: the worker's per-tier policy, read once at the order's start. */
export interface FlowActivities {
  flowPolicy(): Promise<FlowPolicy>;
}

/**
 * The one set of activities `provisionServer` and `serverOperation` proxy, implemented by `createActivities` in
 * src/activities. The lifecycle ones (suspendServer to verifyBuild) are idempotent: each reads the server first and
 * changes only what differs.
 */
export interface ProvisioningActivities {
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
  notifyOperators(input: OperatorNotice): Promise<OperatorWebhookResult>;
  suspendServer(input: ServerRef): Promise<ChangeResult>;
  unsuspendServer(input: ServerRef): Promise<ChangeResult>;
  /** Starts a reinstall unless one is already running; the workflow then waits with `install`. */
  reinstallServer(input: ServerRef): Promise<ChangeResult>;
  readBuild(input: ServerRef): Promise<BuildLimits>;
  /** PATCHes the limits when they differ (resize, and the restore that compensates it). */
  applyBuild(input: ApplyBuildInput): Promise<ChangeResult>;
  /** Reads the server back; VerificationFailed (permanent) when its limits are not `limits`. */
  verifyBuild(input: ApplyBuildInput): Promise<BuildLimits>;
}
