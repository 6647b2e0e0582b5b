import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { isWorkflowNotFound } from '../temporal-errors';
import { reconcileUpdate, type PanelFacts } from '../workflows/reconcile-contract';
import { serverEntityWorkflowId, serverStateQuery, type ServerEntityState } from '../workflows/server-entity-contract';

/** What the sweep asks of one entity: its state (a query; undefined when it has no workflow) and its `reconcile` update. */
export function entityAccess(client: Client) {
  const handle = (orderId: string) => client.workflow.getHandle(serverEntityWorkflowId(orderId));
  return {
    state: (orderId: string): Promise<ServerEntityState | undefined> =>
      handle(orderId)
        .query(serverStateQuery)
        .catch((err: unknown) => {
          if (isWorkflowNotFound(err)) return undefined;
          throw err;
        }),
    /** Tells the entity the panel's facts (null: its server is gone); `ok` false with the reason when it refused. */
    async tell(orderId: string, facts: PanelFacts | null, correct: boolean) {
      try {
        const answer = await handle(orderId).executeUpdate(reconcileUpdate, { args: [{ facts, correct }] });
        return { ok: true as const, detail: answer.queued.length ? `queued ${answer.queued.join(', ')}` : 'noted' };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) return { ok: false as const, detail: err.cause?.message ?? '' };
        throw err;
      }
    },
  };
}

/** An operation waits or runs on the server: the sweep leaves it for next time. */
export const busy = (state: ServerEntityState): boolean =>
  state.operations.some((o) => o.status === 'PENDING' || o.status === 'RUNNING');
