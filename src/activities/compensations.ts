import { FailureType, permanentFailure, transientFailure } from '../errors';
import { isProviderError, type Server } from '../provider';
import type {
  DeleteServerInput,
  DeleteServerResult,
  ReleaseInput,
  ReleaseResult,
} from '../workflows/activity-contract';
import type { ServerClaim } from '../workflows/own-server';
import type { ActivityDeps } from './deps';
import { claimMismatches, externalIdMismatch, foreignServer } from './ownership';

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

/** The server a rollback may delete (null: none of the order's), and a foreign one it found and left alone. */
interface Target {
  server: Server | null;
  spared?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Compensation of create (and the `delete` operation): deletes the order's server, and no one else's. With a recorded
 * `serverId` it deletes that server only, and only while it still carries the claim's external_id (ForeignServer
 * otherwise; a 404 is already_gone). Without one (create's answer was lost) it looks the claim's external_id up (when
 * a create was sent and nothing is found, it looks again after `createSettleMs`, the time the panel may still take to
 * finish a request whose answer was lost) and deletes what it finds only when it is the claim's (claimMismatches);
 * anyone else's server is left untouched (`sparedServerId`). It confirms with a look-up. A DELETE that fails on the
 * daemon or whose answer is lost is checked first and forced (DELETE /force) only when the server is still there.
 * Its calls are never refused by an open breaker (a rollback keeps its own retries and reports what it could not
 * undo) but their outcomes still feed the breakers.
 */
export function deleteServerActivity({
  compensationPanel: provider,
  panelForNode,
  catalogue,
  logger,
  createSettleMs = DEFAULT_CREATE_SETTLE_MS,
}: Pick<ActivityDeps, 'compensationPanel' | 'panelForNode' | 'catalogue' | 'logger' | 'createSettleMs'>) {
  const recorded = async (orderId: string, serverId: number, claim: ServerClaim): Promise<Target> => {
    const server = await provider.getServer(serverId).catch((err: unknown) => {
      if (isProviderError(err) && err.kind === 'not_found') return null;
      throw err;
    });
    if (!server) return { server: null };
    const problems = externalIdMismatch(server, claim.externalId);
    if (problems.length > 0) throw foreignServer(orderId, server, problems);
    return { server };
  };

  const lookedUp = async ({ orderId, createSent }: DeleteServerInput, claim: ServerClaim): Promise<Target> => {
    let found = await provider.getServerByExternalId(claim.externalId);
    if (!found && createSent) {
      logger.info({ orderId, settleMs: createSettleMs }, 'no server yet after a create; looking again once it settles');
      await pause(createSettleMs);
      found = await provider.getServerByExternalId(claim.externalId);
    }
    if (!found) return { server: null };
    const problems = claimMismatches(found, claim);
    if (problems.length === 0) return { server: found };
    logger.warn({ orderId, serverId: found.id, problems }, 'a server not of this order holds its external_id; spared');
    return { server: null, spared: found.id };
  };

  return async function deleteServer(input: DeleteServerInput): Promise<DeleteServerResult> {
    const { orderId, claim } = input;
    if (!claim) {
      throw permanentFailure(
        FailureType.ForeignServer,
        `the rollback of order ${orderId} names no owner to check its server against (scheduled by an earlier version); nothing was deleted: run the rollback again`,
      );
    }
    const { server, spared } =
      input.serverId === undefined ? await lookedUp(input, claim) : await recorded(orderId, input.serverId, claim);
    if (!server) return { outcome: 'already_gone', serverId: null, ...(spared ? { sparedServerId: spared } : {}) };
    const ours = (found: Server | null) =>
      found !== null && (found.id === server.id || claimMismatches(found, claim).length === 0);
    let outcome: DeleteServerResult['outcome'] = 'deleted';
    try {
      await panelForNode(server.node, false).deleteServer(server.id);
    } catch (err) {
      if (!isProviderError(err) || (err.kind !== 'unavailable' && err.kind !== 'timeout')) throw err;
      const stillThere = (await provider.getServerByExternalId(claim.externalId))?.id === server.id;
      logger.warn(
        { orderId, serverId: server.id, kind: err.kind, status: err.status, stillThere },
        stillThere ? 'delete failed; forcing' : 'delete answer lost; the server is gone',
      );
      if (stillThere) {
        await provider.deleteServer(server.id, { force: true });
        outcome = 'force_deleted';
      }
    }
    if (ours(await provider.getServerByExternalId(claim.externalId))) {
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
