import { z } from 'zod';
import { CALLBACK_EVENT_TYPES, type CallbackEvent } from '../callbacks/contract';
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

export type CallbackSchemasFit = AllFit<[Fits<CallbackEvent, typeof callbackEventSchema>]>;
