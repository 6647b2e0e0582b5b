import { FailureType, transientFailure } from '../errors';
import { isProviderError } from '../provider';
import type {
  DeleteServerInput,
  DeleteServerResult,
  ReleaseInput,
  ReleaseResult,
} from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';

/** Compensation of allocate: drops the order's reservation (idempotent). */
export function releaseAllocationActivity({ ledger, logger }: Pick<ActivityDeps, 'ledger' | 'logger'>) {
  return async function releaseAllocation({ orderId }: ReleaseInput): Promise<ReleaseResult> {
    const released = ledger.release(orderId);
    if (released.length > 0) logger.info({ orderId, released }, 'reservation released');
    return { released };
  };
}

/**
 * Compensation of create: finds the order's server by external_id (so a create that timed out but succeeded is
 * found too), deletes it, falls back to DELETE /force when the daemon fails, and confirms with a 404 look-up.
 * Its calls are never refused by an open breaker (a rollback keeps its own retries and reports what it could not
 * undo) but their outcomes still feed the breakers.
 */
export function deleteServerActivity({
  compensationPanel: provider,
  panelForNode,
  catalogue,
  logger,
}: Pick<ActivityDeps, 'compensationPanel' | 'panelForNode' | 'catalogue' | 'logger'>) {
  return async function deleteServer({ orderId }: DeleteServerInput): Promise<DeleteServerResult> {
    const server = await provider.getServerByExternalId(orderId);
    if (!server) return { outcome: 'already_gone', serverId: null };
    let outcome: DeleteServerResult['outcome'] = 'deleted';
    try {
      await panelForNode(server.node, false).deleteServer(server.id);
    } catch (err) {
      if (!isProviderError(err) || (err.kind !== 'unavailable' && err.kind !== 'timeout')) throw err;
      logger.warn({ orderId, serverId: server.id, kind: err.kind, status: err.status }, 'delete failed; forcing');
      await provider.deleteServer(server.id, { force: true });
      outcome = 'force_deleted';
    }
    if (await provider.getServerByExternalId(orderId)) {
      throw transientFailure(
        FailureType.DeleteNotConfirmed,
        `server ${server.id} is still on the panel after ${outcome}`,
      );
    }
    catalogue.adjustNode(server.node, { memory: -server.limits.memory, disk: -server.limits.disk });
    logger.info({ orderId, serverId: server.id, outcome }, 'server deleted');
    return { outcome, serverId: server.id };
  };
}
