import type { ConnectionLike } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

/**
 * Sets the namespace's retention (how long Temporal keeps closed workflows' histories and visibility records) when it
 * differs; returns the retention it had. Other namespace settings are left as they are.
 */
export async function ensureRetention(
  connection: ConnectionLike,
  namespace: string,
  retentionMs: number,
): Promise<{ previousMs: number; changed: boolean }> {
  const deadline = () => Date.now() + 10_000;
  const described = await connection.withDeadline(deadline(), () =>
    connection.workflowService.describeNamespace({ namespace }),
  );
  const previousMs = tsToMs(described.config?.workflowExecutionRetentionTtl ?? undefined);
  if (previousMs === retentionMs) return { previousMs, changed: false };
  await connection.withDeadline(deadline(), () =>
    connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(retentionMs) },
    }),
  );
  return { previousMs, changed: true };
}
