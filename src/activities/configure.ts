import { FailureType, permanentFailure } from '../errors';
import {
  isProviderError,
  type PterodactylClient,
  type Server,
  type UpdateBuildBody,
  type UpdateStartupBody,
} from '../provider';
import type { ConfigureInput, ConfigureResult } from '../workflows/activity-contract';
import type { Order } from '../workflows/contract';
import type { ActivityDeps } from './deps';
import type { EggCatalog } from './eggs';
import { readServer } from './read-server';

const LIMIT_KEYS = ['memory', 'swap', 'disk', 'io', 'cpu'] as const;
const FEATURE_KEYS = ['databases', 'allocations', 'backups'] as const;

/** PATCH calls whose 404 means the order's server disappeared. */
function guardGone(
  provider: PterodactylClient,
  serverId: number,
): Pick<PterodactylClient, 'updateStartup' | 'updateBuild'> {
  const gone = (err: unknown): never => {
    if (isProviderError(err) && err.kind === 'not_found') {
      throw permanentFailure(FailureType.ServerGone, `server ${serverId} no longer exists on the panel`);
    }
    throw err;
  };
  return {
    updateStartup: (id, body) => provider.updateStartup(id, body).catch(gone),
    updateBuild: (id, body) => provider.updateBuild(id, body).catch(gone),
  };
}

export function buildMatches(server: Server, order: Order): boolean {
  return (
    LIMIT_KEYS.every((k) => server.limits[k] === order.limits[k]) &&
    FEATURE_KEYS.every((k) => server.feature_limits[k] === order.featureLimits[k])
  );
}

export function environmentMatches(server: Server, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(
    ([k, v]) => k in server.container.environment && String(server.container.environment[k]) === v,
  );
}

/**
 * Brings the server's startup (egg, image, command, environment) and build (limits, feature limits) to what the
 * order says. Idempotent: it compares first and only PATCHes what differs, so a repeat changes nothing. It compares
 * with `observed` (the server as the install step's last listing showed it) when given, else reads the server: a
 * server just created from the order then costs no request here. A PATCH on a server gone meanwhile is ServerGone.
 */
export function configureActivity(
  { panel, panelForNode, logger }: Pick<ActivityDeps, 'panel' | 'panelForNode' | 'logger'>,
  eggs: EggCatalog,
) {
  return async function configure({ order, serverId, observed }: ConfigureInput): Promise<ConfigureResult> {
    const server = observed?.id === serverId ? observed : await readServer(panel, serverId);
    const provider = guardGone(panelForNode(server.node), serverId);
    const egg = await eggs.find(order.eggId);
    const environment = eggs.environmentOf(egg, order);
    const updated: ConfigureResult['updated'] = [];
    const startupMatches =
      server.egg === egg.id &&
      server.container.image === egg.docker_image &&
      server.container.startup_command === egg.startup &&
      environmentMatches(server, environment);
    if (!startupMatches) {
      const body: UpdateStartupBody = {
        startup: egg.startup,
        environment,
        egg: egg.id,
        image: egg.docker_image,
        skip_scripts: false,
      };
      await provider.updateStartup(serverId, body);
      updated.push('startup');
    }
    if (!buildMatches(server, order)) {
      const body: UpdateBuildBody = {
        allocation: server.allocation,
        limits: order.limits,
        feature_limits: order.featureLimits,
      };
      await provider.updateBuild(serverId, body);
      updated.push('build');
    }
    if (updated.length > 0) logger.info({ orderId: order.orderId, serverId, updated }, 'server configured');
    return { updated };
  };
}
