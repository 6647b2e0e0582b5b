import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType, failureFromProvider, permanentFailure } from '../errors';
import { isProviderError, type CreateServerBody, type ProviderError, type Server } from '../provider';
import type { CreateInput, CreateResult } from '../workflows/activity-contract';
import type { CreatedNothing } from '../workflows/activity-payloads';
import type { ServerClaim } from '../workflows/own-server';
import type { ActivityDeps } from './deps';
import type { EggCatalog } from './eggs';
import { claimMismatches, foreignServer } from './ownership';
import { describeServer } from './server-view';

/** This attempt's number (1 when called outside an activity, as the activity tests do). */
function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** Failures after which the server may exist anyway (the panel saved it, or another attempt did): look it up. */
const MAYBE_CREATED = new Set<ProviderError['kind']>([
  'timeout',
  'unavailable',
  'conflict',
  'allocation_taken',
  'validation',
]);

/** Panel answers that refuse a create outright: the request made nothing. */
const REFUSED = new Set<ProviderError['kind']>(['validation', 'bad_request', 'auth']);
/** Failures raised before the create request is sent. */
const NOT_SENT = new Set<string>([FailureType.EggNotFound, FailureType.InvalidEnvironment]);

/** `err` with CreatedNothing in its details when it proves the request made no server; otherwise `err` as it is. */
function markCreatedNothing(err: unknown): unknown {
  const refused = isProviderError(err) && REFUSED.has(err.kind);
  const notSent = err instanceof ApplicationFailure && NOT_SENT.has(err.type ?? '');
  if (!refused && !notSent) return err;
  const failure = refused ? failureFromProvider(err) : (err as ApplicationFailure);
  const marker: CreatedNothing = { createdNothing: true };
  return ApplicationFailure.create({
    type: failure.type ?? undefined,
    message: failure.message,
    nonRetryable: failure.nonRetryable ?? undefined,
    details: [...(failure.details ?? []), marker],
  });
}

/** Who the order's server belongs to, as create checks it: exact external_id, the order's user and name, this slot. */
const claimOf = ({ order, slot, externalId }: CreateInput): ServerClaim => ({
  externalId: externalId ?? order.orderId,
  userId: order.userId,
  name: order.name,
  allocationId: slot.allocationId,
});

/**
 * Creates the order's server with `external_id = input.externalId` (the own-server marker; the bare orderId for
 * orders started before it), idempotently: a retry (or a re-run the workflow marks `lookFirst`) looks the order up
 * before creating and adopts what it finds; a first attempt creates in one request, because the panel refuses a
 * second server with the same external_id (422). After any failure that may hide a success (a timeout, a 5xx, that
 * 422) it looks the order up and adopts the server instead of creating another. Only the order's own server is
 * adopted (claimMismatches: exact external_id, user, name, allocation); any other server found under the
 * external_id fails the step with ForeignServer (permanent) and is left untouched. A 422 on the allocation becomes
 * AllocationTaken (permanent for this slot: the workflow allocates again). When the order's first and only request
 * was refused (400, 403, 422 with no server found after) or never sent (the egg's rules refused the order), the
 * failure carries CreatedNothing, so the rollback does not wait for a request whose answer was lost.
 */
export function createActivity(
  {
    panel,
    panelForNode,
    catalogue,
    ledger,
    logger,
  }: Pick<ActivityDeps, 'panel' | 'panelForNode' | 'catalogue' | 'ledger' | 'logger'>,
  eggs: EggCatalog,
) {
  const done = async (input: CreateInput, server: Server, adopted: boolean): Promise<CreateResult> => {
    ledger.release(input.order.orderId);
    catalogue.takeAllocation(input.slot.nodeId, input.slot.allocationId);
    catalogue.adjustNode(server.node, { memory: server.limits.memory, disk: server.limits.disk });
    logger.info(
      { orderId: input.order.orderId, serverId: server.id, adopted },
      adopted ? 'server adopted' : 'server created',
    );
    return { server: await describeServer(panel, server, input.slot), adopted };
  };

  /** The order's server under its external_id, adopted; null when there is none; ForeignServer for anyone else's. */
  const adoptOwn = async (input: CreateInput): Promise<CreateResult | null> => {
    const claim = claimOf(input);
    const found = await panel.getServerByExternalId(claim.externalId);
    if (!found) return null;
    const problems = claimMismatches(found, claim);
    if (problems.length === 0) return done(input, found, true);
    logger.warn(
      { orderId: input.order.orderId, serverId: found.id, problems },
      'a server not of this order holds its external_id; not adopted',
    );
    throw foreignServer(input.order.orderId, found, problems);
  };

  return async function create(input: CreateInput): Promise<CreateResult> {
    if (input.lookFirst || attempt() > 1) return (await adoptOwn(input)) ?? createServer(input);
    try {
      return await createServer(input);
    } catch (err) {
      throw markCreatedNothing(err);
    }
  };

  async function createServer(input: CreateInput): Promise<CreateResult> {
    const { order, slot } = input;
    const egg = await eggs.find(order.eggId);
    const body: CreateServerBody = {
      name: order.name,
      user: order.userId,
      egg: egg.id,
      docker_image: egg.docker_image,
      startup: egg.startup,
      environment: eggs.environmentOf(egg, order),
      limits: order.limits,
      feature_limits: order.featureLimits,
      external_id: claimOf(input).externalId,
      allocation: { default: slot.allocationId },
    };
    try {
      return await done(input, await panelForNode(slot.nodeId).createServer(body), false);
    } catch (err) {
      if (!isProviderError(err) || !MAYBE_CREATED.has(err.kind)) throw err;
      logger.warn(
        { orderId: order.orderId, kind: err.kind, status: err.status },
        'create failed; reconciling by external_id',
      );
      const adopted = await adoptOwn(input);
      if (adopted) return adopted;
      if (err.kind === 'allocation_taken') {
        catalogue.takeAllocation(slot.nodeId, slot.allocationId);
        throw permanentFailure(
          FailureType.AllocationTaken,
          `allocation ${slot.allocationId} is no longer free: ${err.detail}`,
          {
            allocationId: slot.allocationId,
          },
        );
      }
      throw err;
    }
  }
}
