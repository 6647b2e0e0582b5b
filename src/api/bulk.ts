import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  BULK_ACTIONS,
  BULK_WORKFLOW_TYPE,
  SERVER_BULK_ACTIONS,
  bulkStateQuery,
  bulkWorkflowId,
  initialBulkState,
  type BulkInput,
  type BulkPace,
  type BulkState,
} from '../workflows/bulk-contract';
import { PARKED_REASONS, TIERS } from '../workflows/contract';
import { apiTaskQueue } from '../workflows/flow-contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';
import { ApiError } from './errors';
import { nonBlankText } from './schemas';
import { isWorkflowNotFound } from '../temporal-errors';

export interface BulkDeps {
  client: Client;
  /** The order task queue; bulk actions run on its API queue. */
  taskQueue: string;
  logger: Logger;
  queryTimeoutMs: number;
  pace: BulkPace;
}

const positive = () => z.number().int('must be an integer').min(1).max(2_147_483_647);

/** POST /v1/bulk. Suspend and delete need a filter; node and status only filter servers, parkedReason only retry. */
export const bulkBodySchema = z
  .strictObject({
    action: z.enum(BULK_ACTIONS),
    filter: z.strictObject({
      userId: positive().optional(),
      tier: z.enum(TIERS).optional(),
      node: positive().optional(),
      status: z.enum(SERVER_STATUSES).optional(),
      parkedReason: z.enum(PARKED_REASONS).optional(),
    }),
    reason: nonBlankText(500).optional(),
  })
  .superRefine(({ action, filter }, ctx) => {
    const onServers = SERVER_BULK_ACTIONS.includes(action);
    const refuse = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['filter', field], message });
    if (!onServers && filter.node !== undefined) refuse('node', `filters servers only, not ${action}`);
    if (!onServers && filter.status !== undefined) refuse('status', `filters servers only, not ${action}`);
    if (action !== 'retry' && filter.parkedReason !== undefined) refuse('parkedReason', 'filters retry only');
    if ((action === 'suspend' || action === 'delete') && Object.keys(filter).length === 0)
      ctx.addIssue({ code: 'custom', path: ['filter'], message: `${action} needs at least one filter` });
  });
export type BulkBody = z.output<typeof bulkBodySchema>;

export const bulkParamsSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/, 'must be a bulk id returned by POST /v1/bulk'),
});

export interface BulkLinks {
  self: string;
  cancel: string;
}
export type BulkView = BulkState & { links: BulkLinks };

const linksOf = (bulkId: string): BulkLinks => ({ self: `/v1/bulk/${bulkId}`, cancel: `/v1/bulk/${bulkId}/cancel` });
const bulkNotFound = (bulkId: string) => new ApiError(404, 'bulk_not_found', `no bulk action ${bulkId}`, { bulkId });

/** Starts the bulk action on the API worker's queue; it lists its targets, then acts on them at the pace set. */
export async function startBulk(deps: BulkDeps, body: BulkBody, requestedBy: string): Promise<BulkView> {
  const bulkId = randomUUID();
  const input: BulkInput = {
    bulkId,
    action: body.action,
    filter: body.filter,
    requestedBy,
    ...(body.reason ? { reason: body.reason } : {}),
    ...deps.pace,
  };
  await deps.client.workflow.start(BULK_WORKFLOW_TYPE, {
    taskQueue: apiTaskQueue(deps.taskQueue),
    workflowId: bulkWorkflowId(bulkId),
    args: [input],
  });
  deps.logger.info({ bulkId, action: body.action, filter: body.filter, requestedBy }, 'bulk action started');
  return { ...initialBulkState(input, new Date().toISOString()), links: linksOf(bulkId) };
}

/** The bulk action's progress: its result once finished, its query while it runs. */
export async function getBulk(deps: BulkDeps, bulkId: string): Promise<BulkView> {
  const handle = deps.client.workflow.getHandle(bulkWorkflowId(bulkId));
  try {
    const described = await handle.describe();
    const state: BulkState =
      described.status.name === 'COMPLETED'
        ? await handle.result()
        : await deps.client.withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(bulkStateQuery));
    return { ...state, links: linksOf(bulkId) };
  } catch (err) {
    if (isWorkflowNotFound(err)) throw bulkNotFound(bulkId);
    throw err;
  }
}

/** Asks the bulk action to stop between targets; 409 once it has finished. */
export async function cancelBulk(
  deps: BulkDeps,
  bulkId: string,
  by: string,
): Promise<{ bulkId: string; cancelRequested: true }> {
  const handle = deps.client.workflow.getHandle(bulkWorkflowId(bulkId));
  const described = await handle.describe().catch((err: unknown) => {
    throw isWorkflowNotFound(err) ? bulkNotFound(bulkId) : err;
  });
  if (described.status.name !== 'RUNNING')
    throw new ApiError(409, 'bulk_finished', `bulk action ${bulkId} has already finished`, { bulkId });
  await handle.cancel();
  deps.logger.info({ bulkId, by }, 'bulk action cancellation requested');
  return { bulkId, cancelRequested: true };
}
