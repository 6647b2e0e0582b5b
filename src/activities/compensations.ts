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

/** How long after a create request the panel may still finish it: twice the panel client's default timeout. */
export const DEFAULT_CREATE_SETTLE_MS = 20_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Compensation of create: finds the order's server by external_id (so a create that timed out but succeeded is
 * found too; when a create was sent and nothing is found, it looks again after `createSettleMs`, the time the panel
 * may still take to finish a request whose answer was lost), deletes it, and confirms with a 404 look-up. A DELETE
 * that fails on the daemon or whose answer is lost is checked first and forced (DELETE /force) only when the server
 * is still there. Its calls are never refused by an open breaker (a rollback keeps its own retries and reports what
 * it could not undo) but their outcomes still feed the breakers.
 */
export function deleteServerActivity({
  compensationPanel: provider,
  panelForNode,
  catalogue,
  logger,
  createSettleMs = DEFAULT_CREATE_SETTLE_MS,
}: Pick<ActivityDeps, 'compensationPanel' | 'panelForNode' | 'catalogue' | 'logger' | 'createSettleMs'>) {
  const find = async ({ orderId, createSent }: DeleteServerInput) => {
    const server = await provider.getServerByExternalId(orderId);
    if (server || !createSent) return server;
    logger.info({ orderId, settleMs: createSettleMs }, 'no server yet after a create; looking again once it settles');
    await pause(createSettleMs);
    return provider.getServerByExternalId(orderId);
  };

  return async function deleteServer(input: DeleteServerInput): Promise<DeleteServerResult> {
    const { orderId } = input;
    const server = await find(input);
    if (!server) return { outcome: 'already_gone', serverId: null };
    let outcome: DeleteServerResult['outcome'] = 'deleted';
    try {
      await panelForNode(server.node, false).deleteServer(server.id);
    } catch (err) {
      if (!isProviderError(err) || (err.kind !== 'unavailable' && err.kind !== 'timeout')) throw err;
      const stillThere = await provider.getServerByExternalId(orderId);
      logger.warn(
        { orderId, serverId: server.id, kind: err.kind, status: err.status, stillThere: stillThere !== null },
        stillThere ? 'delete failed; forcing' : 'delete answer lost; the server is gone',
      );
      if (stillThere) {
        await provider.deleteServer(server.id, { force: true });
        outcome = 'force_deleted';
      }
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
