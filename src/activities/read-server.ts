import { FailureType, permanentFailure } from '../errors';
import { isProviderError, type PterodactylClient, type Server } from '../provider';
import type { ServerRef } from '../workflows/activity-contract';
import { externalIdMismatch, foreignServer } from './ownership';

/** GET /servers/{id}; a 404 becomes ServerGone (the server the order created has disappeared). */
export async function readServer(provider: PterodactylClient, serverId: number): Promise<Server> {
  try {
    return await provider.getServer(serverId);
  } catch (err) {
    if (isProviderError(err) && err.kind === 'not_found') {
      throw permanentFailure(FailureType.ServerGone, `server ${serverId} no longer exists on the panel`);
    }
    throw err;
  }
}

/**
 * The order's server for an operation: readServer, then ForeignServer (permanent, nothing changed) when it no longer
 * carries the order's external_id (`ref.externalId`; inputs from before the own-server marker have none: unchecked).
 */
export async function readOwnServer(provider: PterodactylClient, ref: ServerRef): Promise<Server> {
  const server = await readServer(provider, ref.serverId);
  const problems = ref.externalId === undefined ? [] : externalIdMismatch(server, ref.externalId);
  if (problems.length > 0) throw foreignServer(ref.orderId, server, problems);
  return server;
}
