import { FailureType, permanentFailure } from '../errors';
import { isProviderError, type CreateServerBody, type ProviderError, type Server } from '../provider';
import type { CreateInput, CreateResult } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';
import { orderEnvironment, type EggCatalog } from './eggs';
import { describeServer } from './server-view';

/** Failures after which the server may exist anyway (the panel saved it, or another attempt did): look it up. */
const MAYBE_CREATED = new Set<ProviderError['kind']>(['timeout', 'unavailable', 'conflict', 'allocation_taken', 'validation']);

/**
 * Creates the order's server with `external_id = orderId`, idempotently: looks the order up first and after any
 * failure that may hide a success, adopting a server that exists instead of creating a second one. A 422 on the
 * allocation becomes AllocationTaken (permanent for this slot: the workflow allocates again).
 */
export function createActivity({ provider, reservations, logger }: ActivityDeps, eggs: EggCatalog) {
  const done = async (input: CreateInput, server: Server, adopted: boolean): Promise<CreateResult> => {
    reservations.release(input.order.orderId);
    logger.info({ orderId: input.order.orderId, serverId: server.id, adopted }, adopted ? 'server adopted' : 'server created');
    return { server: await describeServer(provider, server, input.slot), adopted };
  };

  return async function create(input: CreateInput): Promise<CreateResult> {
    const { order, slot } = input;
    const existing = await provider.getServerByExternalId(order.orderId);
    if (existing) return done(input, existing, true);
    const egg = await eggs.find(order.eggId);
    const body: CreateServerBody = {
      name: order.name,
      user: order.userId,
      egg: egg.id,
      docker_image: egg.docker_image,
      startup: egg.startup,
      environment: orderEnvironment(egg, order),
      limits: order.limits,
      feature_limits: order.featureLimits,
      external_id: order.orderId,
      allocation: { default: slot.allocationId },
    };
    try {
      return await done(input, await provider.createServer(body), false);
    } catch (err) {
      if (!isProviderError(err) || !MAYBE_CREATED.has(err.kind)) throw err;
      logger.warn({ orderId: order.orderId, kind: err.kind, status: err.status }, 'create failed; reconciling by external_id');
      const found = await provider.getServerByExternalId(order.orderId);
      if (found) return done(input, found, true);
      if (err.kind === 'allocation_taken') {
        throw permanentFailure(FailureType.AllocationTaken, `allocation ${slot.allocationId} is no longer free: ${err.detail}`, {
          allocationId: slot.allocationId,
        });
      }
      throw err;
    }
  };
}
