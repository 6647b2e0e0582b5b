import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { safeError } from '../logger';
import { CENSUS_WORKFLOW_TYPE, censusWorkflowId, type CensusInput } from '../workflows/census-contract';
import { PROMOTED_PRIORITY_KEY, apiTaskQueue } from '../workflows/flow-contract';

/**
 * Starts the order task queue's `queueCensus` workflow on the API task queue unless it runs already (every API
 * process asks when its API worker starts; the first one starts it). A failure is logged: the next start asks again.
 */
export async function ensureCensus(
  client: Client,
  taskQueue: string,
  logger: Logger,
  intervalMs?: number,
): Promise<void> {
  const args: [CensusInput] = [{ taskQueue, intervalMs }];
  try {
    await client.workflow.start(CENSUS_WORKFLOW_TYPE, {
      workflowId: censusWorkflowId(taskQueue),
      taskQueue: apiTaskQueue(taskQueue),
      args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      priority: { priorityKey: PROMOTED_PRIORITY_KEY },
    });
  } catch (err) {
    logger.warn({ err: safeError(err), taskQueue }, 'could not start the queue census');
  }
}
