import type { SimState } from '../../sim/src';
import type { CreateServerBody } from '../../src/provider';
import { directServer, type PanelHarness } from './panel-harness';

/** The naive marker an integration might use: the prefix and the bare id, no hash. */
export const naiveMarker = (orderId: string): string => `sq-${orderId}`;

/**
 * Places another integration's server directly on the panel, on node 1's highest free allocation (the service's
 * allocate picks from the lowest), owned by user 1 and named `their <externalId>` unless `overrides` says otherwise; returns its id.
 */
export async function placeForeignServer(
  panel: PanelHarness,
  externalId: string,
  overrides: Partial<Pick<CreateServerBody, 'user' | 'name'>> = {},
): Promise<number> {
  const free = (await panel.state()).allocations.filter((a) => a.server === null && a.node === 1).at(-1);
  if (!free) throw new Error('no free allocation on node 1');
  const body = { ...directServer(externalId, free.id), name: `their ${externalId}`, ...overrides };
  return (await panel.client().createServer(body)).id;
}

/**
 * What an order's steps could change on a server (create, configure, a resize or suspension, a delete), to compare
 * before and after: undefined once the server is gone.
 */
export function touchable(sim: SimState, serverId: number) {
  const s = sim.servers.find((server) => server.id === serverId);
  if (!s) return undefined;
  const { id, external_id, name, user, egg, allocation, suspended, limits, feature_limits } = s;
  const { image, startup_command, environment } = s.container;
  return {
    id,
    external_id,
    name,
    user,
    egg,
    allocation,
    suspended,
    limits,
    feature_limits,
    image,
    startup_command,
    environment,
  };
}

/** The touchable state of each server, to assert later that none of them changed. */
export const touchableAll = (sim: SimState, ids: number[]) => ids.map((id) => touchable(sim, id));
