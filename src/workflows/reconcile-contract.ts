import { defineUpdate } from '@temporalio/workflow';
import type { BuildLimits } from './activity-payloads';
import type { ServerEntityState } from './server-entity-contract';

export const RECONCILE_WORKFLOW_TYPE = 'reconciliationSweep';
/** The Schedule that starts the sweep of the order task queue `taskQueue`. */
export const reconcileScheduleId = (taskQueue: string): string => `reconciliation-${taskQueue}`;
/** Who asks an entity to change when the sweep corrects drift (never changes why a server is suspended). */
export const RECONCILIATION_REQUESTER = 'reconciliation';

/**
 * What the sweep does with what it finds (RECONCILE_STRAYS, RECONCILE_DRIFT): a stray (a panel server carrying our
 * marker that no entity or running order holds) is reported, adopted into an entity (when its order's record is
 * still in Temporal) or deleted; drift is reported or corrected to the entity's state. Lost servers are always marked.
 */
export interface ReconcilePolicy {
  strays: 'report' | 'adopt' | 'delete';
  drift: 'report' | 'correct';
}
export const DEFAULT_RECONCILE_POLICY: ReconcilePolicy = { strays: 'report', drift: 'report' };

export interface ReconcileInput {
  /** The order task queue: where entities run and adopted ones start. */
  taskQueue: string;
  policy: ReconcilePolicy;
  /**
   * Servers created and entities started this recently are not judged (their order may be finishing); default
   * RECONCILE_SETTLE_MS.
   */
  settleMs?: number;
}
export const RECONCILE_SETTLE_MS = 10 * 60_000;

/** What the panel says of one of our servers, as the entity compares it. */
export interface PanelFacts {
  serverId: number;
  suspended: boolean;
  limits: BuildLimits;
}

export type DriftField = 'suspended' | 'limits';
export interface DriftItem {
  field: DriftField;
  entity: unknown;
  panel: unknown;
}

export interface StrayFinding {
  serverId: number;
  externalId: string;
  /** The order it was created for, when its id can be read from the marker. */
  orderId: string | null;
  action: 'reported' | 'adopted' | 'deleted' | 'failed';
  detail: string;
}

export interface LostFinding {
  orderId: string;
  serverId: number;
  action: 'marked' | 'failed';
  detail: string;
}

export interface DriftFinding {
  orderId: string;
  serverId: number;
  drift: DriftItem[];
  action: 'reported' | 'corrected' | 'failed';
  detail: string;
}

/** Findings kept per kind in a report (the counts are always whole). */
export const REPORT_FINDINGS_KEPT = 100;

/** One sweep's report: the sweep workflow's result (the API's GET /v1/reconciliation reads the newest). */
export interface ReconcileReport {
  startedAt: string;
  finishedAt: string;
  policy: ReconcilePolicy;
  panelServers: number;
  /** Panel servers carrying our marker (or an earlier order's bare id that an entity holds). */
  ours: number;
  entities: number;
  counts: { strays: number; lost: number; drift: number; skipped: number };
  strays: StrayFinding[];
  lost: LostFinding[];
  drift: DriftFinding[];
  /** The operators' webhook (OPERATOR_WEBHOOK_URL), told only when something was found. */
  webhook: 'not_needed' | 'sent' | 'not_configured' | 'failed';
}

/**
 * The sweep's word to an entity: `facts` null means its server is gone from the panel (the entity ends LOST and
 * tells the callbackUrl `server.lost`); otherwise the entity compares, and with `correct` queues the operations
 * that bring the panel back to its state. Refused (validator) while an operation runs or the server is being
 * deleted or gone. Answers the drift it found.
 */
export interface ReconcileRequest {
  facts: PanelFacts | null;
  correct: boolean;
}
export interface ReconcileAnswer {
  drift: DriftItem[];
  queued: string[];
}
export const reconcileUpdate = defineUpdate<ReconcileAnswer, [ReconcileRequest]>('reconcile');

const LIMIT_KEYS = ['memory', 'swap', 'disk', 'io', 'cpu'] as const;

/** How the panel differs from the entity (suspension, and the limits the entity knows); pure. */
export function serverDrift(state: Pick<ServerEntityState, 'status' | 'limits'>, facts: PanelFacts): DriftItem[] {
  const drift: DriftItem[] = [];
  const suspended = state.status === 'SUSPENDED';
  if (facts.suspended !== suspended) drift.push({ field: 'suspended', entity: suspended, panel: facts.suspended });
  const limits = state.limits;
  if (limits && LIMIT_KEYS.some((key) => limits[key] !== facts.limits[key])) {
    const pick = (l: BuildLimits) => Object.fromEntries(LIMIT_KEYS.map((key) => [key, l[key]]));
    drift.push({ field: 'limits', entity: pick(limits), panel: pick(facts.limits) });
  }
  return drift;
}
