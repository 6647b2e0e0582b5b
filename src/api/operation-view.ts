import type { WorkflowExecutionInfo } from '@temporalio/client';
import {
  SERVER_ID_MEMO,
  operationOf,
  type OperationState,
  type ServerOperationName,
} from '../workflows/server-operation-contract';

export interface OperationLinks {
  self: string;
  order: string;
}

/**
 * GET /v1/orders/:id/operations/:operationId. `source`: `workflow` (its query answered while it runs), `result`
 * (its final state, once closed) or `visibility` (only Temporal's records: no worker answered, or the workflow
 * ended abnormally).
 */
export type OperationView = Omit<OperationState, 'operation'> & {
  /** Null only for a run not started by this API (no memo). */
  operation: ServerOperationName | null;
  source: 'workflow' | 'result' | 'visibility';
  links: OperationLinks;
};

/** The 202 answer of POST /v1/orders/:id/operations. */
export interface OperationAccepted {
  operationId: string;
  orderId: string;
  serverId: number | null;
  operation: ServerOperationName;
  status: 'RUNNING';
  links: OperationLinks;
}

/** What visibility and describe both tell of one operation's run. */
export type OperationExecution = Pick<WorkflowExecutionInfo, 'runId' | 'status' | 'memo' | 'startTime' | 'closeTime'>;

export function operationLinks(orderId: string, operationId: string): OperationLinks {
  const order = `/v1/orders/${encodeURIComponent(orderId)}`;
  return { self: `${order}/operations/${encodeURIComponent(operationId)}`, order };
}

export function viewFromOperationState(state: OperationState, source: 'workflow' | 'result'): OperationView {
  return { ...state, source, links: operationLinks(state.orderId, state.operationId) };
}

/** What Temporal's records tell of a run whose state cannot be read. */
export function viewFromOperationExecution(orderId: string, described: OperationExecution): OperationView {
  const name = described.status.name;
  const running = name === 'RUNNING';
  const serverId = described.memo?.[SERVER_ID_MEMO];
  const at = (described.closeTime ?? described.startTime).toISOString();
  return {
    operationId: described.runId,
    orderId,
    serverId: typeof serverId === 'number' ? serverId : null,
    operation: operationOf(described),
    status: running ? 'RUNNING' : 'FAILED',
    step: null,
    changed: null,
    build: null,
    rolledBack: false,
    deprovisioned: false,
    deleted: null,
    released: [],
    error: running
      ? null
      : { step: null, type: `Workflow${name}`, message: `the operation's workflow ended as ${name}` },
    compensationErrors: [],
    timeline: [],
    startedAt: described.startTime.toISOString(),
    updatedAt: at,
    source: 'visibility',
    links: operationLinks(orderId, described.runId),
  };
}
