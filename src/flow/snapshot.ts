import type { Client } from '@temporalio/client';
import { flowControlWorkflowId, flowSnapshotQuery, type FlowSnapshot } from '../workflows/flow-contract';

export type { FlowSnapshot } from '../workflows/flow-contract';

const isNotFound = (err: unknown): boolean => err instanceof Error && err.name === 'WorkflowNotFoundError';

/**
 * The provider budget, breakers and node capacity as the worker processes of `taskQueue` last reported them, read
 * from the `flow-control` workflow. Null when no worker has started it yet; rejects when Temporal does not answer
 * within `timeoutMs` (default 3 s). Works with any number of worker processes: each reports to the same workflow.
 */
export async function readFlowSnapshot(
  client: Client,
  taskQueue: string,
  timeoutMs = 3000,
): Promise<FlowSnapshot | null> {
  const handle = client.workflow.getHandle(flowControlWorkflowId(taskQueue));
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => handle.query(flowSnapshotQuery));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
