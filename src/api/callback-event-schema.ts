import { z } from 'zod';
import {
  CALLBACK_EVENT_TYPES,
  SERVER_EVENT_TYPES,
  type CallbackEvent,
  type ServerCallbackEvent,
} from '../callbacks/contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';
import { ORDER_STATUSES, TIERS } from '../workflows/contract';
import { isoTime, orderErrorSchema, provisionedServerSchema, type AllFit, type Fits } from './response-schemas';

const int = () => z.number().int();

/** The body of an order callback (docs/callbacks.md), as the document's `webhooks.orderEvent` describes it. */
export const callbackEventSchema = z.object({
  id: z.string().meta({ description: 'Stable across retries (also the webhook-id header): de-duplicate on it.' }),
  type: z.enum(CALLBACK_EVENT_TYPES).meta({
    description:
      'Sent today for order.active, order.failed, order.cancelled and order.needs_attention; accept and ignore others.',
  }),
  orderId: z.string(),
  status: z.enum(ORDER_STATUSES),
  occurredAt: isoTime(),
  order: z.object({
    orderId: z.string(),
    status: z.enum(ORDER_STATUSES),
    tier: z.enum(TIERS),
    userId: int(),
    server: provisionedServerSchema.nullable(),
    error: orderErrorSchema.nullable(),
  }),
});

/** The body of a server event (the billing clock, operators' operations), `webhooks.serverEvent`. */
export const serverCallbackEventSchema = z.object({
  id: z
    .string()
    .meta({ description: '`server-<orderId>:<type>:<sequence>`, stable across retries: de-duplicate on it.' }),
  type: z.enum(SERVER_EVENT_TYPES).meta({ description: 'Accept and ignore types you do not know.' }),
  orderId: z.string(),
  occurredAt: isoTime(),
  server: z.object({
    orderId: z.string(),
    serverId: int(),
    status: z.enum(SERVER_STATUSES),
    billing: z.object({
      state: z.enum(['current', 'overdue']),
      suspendAt: isoTime().nullable(),
      deleteAt: isoTime().nullable(),
    }),
  }),
});

export type CallbackSchemasFit = AllFit<
  [Fits<CallbackEvent, typeof callbackEventSchema>, Fits<ServerCallbackEvent, typeof serverCallbackEventSchema>]
>;
