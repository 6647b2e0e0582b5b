import type { DeleteServerInput } from './activity-contract';
import type { Order } from './contract';
import type { OrderTracker } from './order-state';
import type { ServerOperationInput } from './server-operation-contract';

/**
 * The rollback of an order's create: the server the order recorded, if any, else the one found under its
 * external_id that is the order's (its user, name and the allocation it was created on): never anyone else's.
 */
export function undoCreate(
  order: Order,
  tracker: OrderTracker,
  externalId: string,
  createSent: boolean,
): DeleteServerInput {
  const serverId = tracker.state.server?.id;
  const allocationId = tracker.slot?.allocationId;
  return {
    orderId: order.orderId,
    ...(createSent ? { createSent } : {}),
    ...(serverId === undefined ? {} : { serverId }),
    claim: {
      externalId,
      userId: order.userId,
      name: order.name,
      ...(allocationId === undefined ? {} : { allocationId }),
    },
  };
}

/**
 * The `delete` operation's input: the server the order recorded (while it carries the order's external_id), else the
 * one found under the order's external_id that belongs to the order's user. Operations started before the own-server
 * marker carry no external_id: their orders' servers carry the bare orderId.
 */
export function deleteOperationInput(input: ServerOperationInput): DeleteServerInput {
  return {
    orderId: input.orderId,
    ...(input.serverId === null ? {} : { serverId: input.serverId }),
    claim: { externalId: input.externalId ?? input.orderId, userId: input.userId },
  };
}

/** The timeline note for a server found under the order's external_id that is not the order's. */
export const sparedNote = (serverId: number): string =>
  `server ${serverId} holds the order's external_id but is not its server: left untouched`;
