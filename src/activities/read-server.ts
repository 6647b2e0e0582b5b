import { FailureType, permanentFailure } from '../errors';
import { isProviderError, type PterodactylClient, type Server } from '../provider';

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
