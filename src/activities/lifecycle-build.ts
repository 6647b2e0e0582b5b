import { FailureType, permanentFailure } from '../errors';
import { isProviderError, type Server, type UpdateBuildBody } from '../provider';
import type { ApplyBuildInput, BuildLimits, ChangeResult, ServerRef } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';
import { readOwnServer } from './read-server';

const LIMIT_KEYS = ['memory', 'swap', 'disk', 'io', 'cpu'] as const;

const limitsOf = (server: Server): BuildLimits => ({
  memory: server.limits.memory,
  swap: server.limits.swap,
  disk: server.limits.disk,
  io: server.limits.io,
  cpu: server.limits.cpu,
});

/** Every limit of `server` that differs from `wanted`, as `key a -> b`; empty when they all match. */
export function buildDifferences(server: Server, wanted: BuildLimits): string[] {
  return LIMIT_KEYS.filter((k) => server.limits[k] !== wanted[k]).map(
    (k) => `${k} is ${server.limits[k]}, expected ${wanted[k]}`,
  );
}

/** The server's current limits (memory, swap, disk, io, cpu). */
export function readBuildActivity({ panel }: Pick<ActivityDeps, 'panel'>) {
  return async function readBuild(ref: ServerRef): Promise<BuildLimits> {
    return limitsOf(await readOwnServer(panel, ref));
  };
}

/**
 * Sets the server's limits, idempotently: it reads the server and PATCHes only when a limit differs, keeping the
 * server's allocation, feature limits and threads as they are. The node's capacity in the process's catalogue is
 * adjusted by the difference. A 404 on the PATCH is ServerGone.
 */
export function applyBuildActivity({
  panel,
  panelForNode,
  catalogue,
  logger,
}: Pick<ActivityDeps, 'panel' | 'panelForNode' | 'catalogue' | 'logger'>) {
  return async function applyBuild(input: ApplyBuildInput): Promise<ChangeResult> {
    const { orderId, serverId, limits } = input;
    const server = await readOwnServer(panel, input);
    if (buildDifferences(server, limits).length === 0) return { changed: false };
    await panelForNode(server.node)
      .updateBuild(serverId, {
        allocation: server.allocation,
        limits: { ...limits, threads: server.limits.threads },
        feature_limits: server.feature_limits as UpdateBuildBody['feature_limits'],
        oom_disabled: server.limits.oom_disabled,
      })
      .catch((err: unknown) => {
        if (isProviderError(err) && err.kind === 'not_found') {
          throw permanentFailure(FailureType.ServerGone, `server ${serverId} no longer exists on the panel`);
        }
        throw err;
      });
    catalogue.adjustNode(server.node, {
      memory: limits.memory - server.limits.memory,
      disk: limits.disk - server.limits.disk,
    });
    logger.info({ orderId, serverId, from: limitsOf(server), to: limits }, 'server build updated');
    return { changed: true };
  };
}

/** Reads the server back and checks its limits are `limits`; VerificationFailed (permanent) names each difference. */
export function verifyBuildActivity({ panel }: Pick<ActivityDeps, 'panel'>) {
  return async function verifyBuild(input: ApplyBuildInput): Promise<BuildLimits> {
    const { serverId, limits } = input;
    const server = await readOwnServer(panel, input);
    const problems = buildDifferences(server, limits);
    if (problems.length > 0) {
      throw permanentFailure(
        FailureType.VerificationFailed,
        `server ${serverId} does not have the requested build: ${problems.join('; ')}`,
        { problems },
      );
    }
    return limitsOf(server);
  };
}
