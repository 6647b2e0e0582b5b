import { FailureType, transientFailure } from '../errors';
import { isProviderError } from '../provider';
import type { DeleteServerInput, DeleteServerResult, ReleaseInput, ReleaseResult } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';

/** Compensation of allocate: drops the order's reservation (idempotent). */
export function releaseAllocationActivity({ reservations, logger }: ActivityDeps) {
  return async function releaseAllocation({ orderId }: ReleaseInput): Promise<ReleaseResult> {
    const released = reservations.release(orderId);
    if (released.length > 0) logger.info({ orderId, released }, 'reservation released');
    return { released };
  };
}

/**
 * Compensation of create: finds the order's server by external_id (so a create that timed out but succeeded is
 * found too), deletes it, falls back to DELETE /force when the daemon fails, and confirms with a 404 look-up.
 */
export function deleteServerActivity({ provider, logger }: ActivityDeps) {
  return async function deleteServer({ orderId }: DeleteServerInput): Promise<DeleteServerResult> {
    const server = await provider.getServerByExternalId(orderId);
    if (!server) return { outcome: 'already_gone', serverId: null };
    let outcome: DeleteServerResult['outcome'] = 'deleted';
    try {
      await provider.deleteServer(server.id);
    } catch (err) {
      if (!isProviderError(err) || (err.kind !== 'unavailable' && err.kind !== 'timeout')) throw err;
      logger.warn({ orderId, serverId: server.id, kind: err.kind, status: err.status }, 'delete failed; forcing');
      await provider.deleteServer(server.id, { force: true });
      outcome = 'force_deleted';
    }
    if (await provider.getServerByExternalId(orderId)) {
      throw transientFailure(FailureType.DeleteNotConfirmed, `server ${server.id} is still on the panel after ${outcome}`);
    }
    logger.info({ orderId, serverId: server.id, outcome }, 'server deleted');
    return { outcome, serverId: server.id };
  };
}
