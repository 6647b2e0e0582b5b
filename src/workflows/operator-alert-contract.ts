/* The operators' webhook contract: what a parked order announces (notifyOperators sends it). Workflow-safe. */
import type { OrderError, ParkedLedger, ParkedReason, Step } from './contract';

export const OPERATOR_WEBHOOK_FORMATS = ['json', 'discord'] as const;
export type OperatorWebhookFormat = (typeof OPERATOR_WEBHOOK_FORMATS)[number];

/** One parked order, as the operators' webhook receives it (format `json`). */
export interface OperatorAlert {
  /** `<workflowId>:parked:<sequence>`: the same for every attempt of one parking. */
  eventId: string;
  type: 'order.needs_attention';
  orderId: string;
  workflowId: string;
  reason: ParkedReason;
  step: Step | 'compensate';
  parkedAt: string;
  errors: OrderError[];
  ledger: ParkedLedger;
  /** Where operators act: POST `{ action, note }` (retry-step, rollback, mark-resolved). */
  actions: string;
}

/** A reconciliation sweep that found strays, lost servers or drift (format `json`: this object). */
export interface ReconciliationAlert {
  /** `<sweep workflow id>:findings`: the same for every attempt. */
  eventId: string;
  type: 'reconciliation.findings';
  startedAt: string;
  counts: { strays: number; lost: number; drift: number };
  /** A line per finding kept in the report (at most a few dozen). */
  summary: string[];
  /** Where operators read the whole report. */
  report: string;
}

/** What the operators' webhook receives: a parked order, or a sweep's findings. */
export type OperatorNotice = OperatorAlert | ReconciliationAlert;

export interface OperatorWebhookResult {
  sent: boolean;
  status: number | null;
}
