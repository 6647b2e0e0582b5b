import { FailureType, permanentFailure } from '../errors';
import type { ChangeResult, ServerRef } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';
import { readOwnServer } from './read-server';

/** What the lifecycle steps use: the panel, and per node its client. */
export type LifecycleDeps = Pick<ActivityDeps, 'panel' | 'panelForNode' | 'logger'>;

/**
 * Suspends (or unsuspends) the server, idempotently: it reads the server first and sends the change only when the
 * server is not already in the wanted state, so a retry or a repeated operation sends nothing. A server gone from
 * the panel is ServerGone (permanent), one that no longer carries the order's external_id ForeignServer.
 */
export function suspensionActivity({ panel, panelForNode, logger }: LifecycleDeps, suspend: boolean) {
  return async function setSuspended(ref: ServerRef): Promise<ChangeResult> {
    const { orderId, serverId } = ref;
    const server = await readOwnServer(panel, ref);
    if (server.suspended === suspend) return { changed: false };
    const provider = panelForNode(server.node);
    await (suspend ? provider.suspend(serverId) : provider.unsuspend(serverId));
    logger.info({ orderId, serverId }, suspend ? 'server suspended' : 'server unsuspended');
    return { changed: true };
  };
}

/**
 * Starts a reinstall of the server. A server already `installing` is not sent another one (an earlier attempt's
 * reinstall is running, or one started outside the operation): the workflow waits for it to finish either way. A
 * suspended server is refused (ServerStateUnexpected): the panel would drop the suspension when the install ends.
 */
export function reinstallActivity({ panel, panelForNode, logger }: LifecycleDeps) {
  return async function reinstallServer(ref: ServerRef): Promise<ChangeResult> {
    const { orderId, serverId } = ref;
    const server = await readOwnServer(panel, ref);
    if (server.suspended) {
      throw permanentFailure(
        FailureType.ServerStateUnexpected,
        `server ${serverId} is suspended: unsuspend it before reinstalling`,
      );
    }
    if (server.status === 'installing') return { changed: false };
    if (server.status !== null && !server.status.endsWith('install_failed')) {
      throw permanentFailure(
        FailureType.ServerStateUnexpected,
        `server ${serverId} is ${server.status}; it cannot be reinstalled now`,
      );
    }
    await panelForNode(server.node).reinstall(serverId);
    logger.info({ orderId, serverId }, 'server reinstall started');
    return { changed: true };
  };
}
