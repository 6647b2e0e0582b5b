import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/** Gap between two visibility pages of one listing: 2 a second, well inside the namespace's default of 10. */
export const VISIBILITY_PAGE_GAP_MS = 500;
const PAGE_SIZE = 100;

/** A visibility query's `IN (...)` list of string values. */
export const inList = (values: readonly string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;

export interface ListedWorkflow {
  workflowId: string;
  startedAt: number;
}

/**
 * Every workflow `query` matches (up to `max`), a visibility page at a time with VISIBILITY_PAGE_GAP_MS between
 * pages; `onPage` is told how many so far (activities heartbeat there). For background work, never for a hot path.
 */
export async function listWorkflows(
  client: Client,
  query: string,
  options: { max: number; onPage?: (listed: number) => void },
): Promise<{ workflows: ListedWorkflow[]; truncated: boolean }> {
  const workflows: ListedWorkflow[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize: PAGE_SIZE,
      nextPageToken,
    });
    for (const raw of page.executions) {
      const workflowId = raw.execution?.workflowId;
      if (workflowId) workflows.push({ workflowId, startedAt: optionalTsToMs(raw.startTime) ?? 0 });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    options.onPage?.(workflows.length);
    if (nextPageToken) await new Promise((resolve) => setTimeout(resolve, VISIBILITY_PAGE_GAP_MS));
  } while (nextPageToken && workflows.length < options.max);
  const unique = [...new Map(workflows.map((w) => [w.workflowId, w])).values()];
  return { workflows: unique.slice(0, options.max), truncated: unique.length > options.max || !!nextPageToken };
}
